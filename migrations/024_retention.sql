-- Retention of webhook delivery attempts (HOLDFAST_WEBHOOK_ATTEMPT_RETENTION): the attempts of an
-- event delivered longer ago than the window are deleted; the event keeps how many there were, so
-- the admin API's order detail says that attempts were pruned rather than showing none.
alter table webhook_events add column attempts_pruned integer not null default 0;
-- The pruning job finds delivered events by when they were delivered.
create index webhook_events_delivered_idx on webhook_events (delivered_at) where delivered_at is not null;

-- Retention of the stored replies of Request-IDs (HOLDFAST_REQUEST_REPLY_RETENTION): past the window
-- the reply's body is dropped, the key itself stays (the id stays bound to its request and its
-- order, so a reuse is still a replay or a conflict, never a second effect); a replay then answers
-- the order as it is now, as after a reply that was never stored (docs/database-faults.md).
alter table request_keys add column reply_pruned_at timestamptz;
-- The pruning job finds the stored replies by age; a key with no order keeps its reply (it is all a replay has).
create index request_keys_stored_reply_idx on request_keys (created_at) where response_body is not null and order_id is not null;
