-- What the Prometheus gauges and /readyz count on every scrape, kept to index scans as tables grow:
-- failed jobs (the due ones already have jobs_due_idx) and orders waiting for manual review.

create index jobs_failed_idx on jobs (kind) where failed_at is not null;
create index orders_in_review_idx on orders (updated_at) where review_reason is not null;
