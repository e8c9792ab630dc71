-- What the Prometheus gauges count on every scrape, kept to index scans as tables grow: failed jobs
-- (the due ones have jobs_due_idx; orders in review, orders_admin_in_review_idx of 018).

create index jobs_failed_idx on jobs (kind) where failed_at is not null;
