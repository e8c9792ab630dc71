-- The admin API's order search, audit listing and stats (docs/admin-api.md) stay fast at millions
-- of orders. Every index here is on columns written once at insert, so orders and payments keep
-- their in-place (HOT) updates (007_fillfactor.sql). The order state is deliberately not indexed:
-- it changes with almost every write, and an index on it would make each of those a non-HOT
-- update; a status filter is applied while walking the (merchant, created_at, id) index instead.

-- Keyset pages, newest first, by (created_at, id): one merchant's orders, and everyone's.
create index orders_admin_merchant_page_idx on orders (merchant_id, created_at, id);
create index orders_admin_page_idx on orders (created_at, id);
-- A merchant's order reference searched across merchants (the unique key covers it per merchant).
create index orders_admin_reference_idx on orders (merchant_order_reference);
-- Orders flagged for manual review: few, and the flag rarely changes.
create index orders_admin_in_review_idx on orders (created_at, id) where review_reason is not null;

-- The stats' buckets count operations by when they were made.
create index payments_created_idx on payments (created_at);
create index captures_created_idx on captures (created_at);
create index reversals_created_idx on reversals (created_at);
create index refunds_created_idx on refunds (created_at);

-- Webhook health: the events still waiting for a delivery.
create index webhook_events_pending_idx on webhook_events (created_at) where delivered_at is null and gave_up_at is null;

-- The audit log filtered by who acted.
create index audit_log_actor_idx on audit_log (actor_id, id);
