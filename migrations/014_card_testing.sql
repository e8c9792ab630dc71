-- Card-testing protection (src/core/card-testing.ts) counts, before each authorization, the recent
-- declines of one card and of one merchant (src/store/recent-declines.ts). Both indexes are on
-- columns that never change after the insert, so orders and payments keep their in-place (HOT)
-- updates (007_fillfactor.sql).
create index payments_card_recent_idx on payments (card_fingerprint, created_at);
create index orders_merchant_recent_idx on orders (merchant_id, created_at);
