-- Storage per order (bench/README.md, "Storage per order"): an index every lookup could do without
-- costs bytes on disk and a write on each insert. A capture's and a refund's (order_id) indexes
-- are the leading column of their table's unique (order_id, merchant reference) key, which serves
-- every lookup by order as well (the order aggregate's read, the admin order detail, the stats).
drop index captures_order_idx;
drop index refunds_order_idx;
