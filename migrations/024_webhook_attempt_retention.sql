-- Retention of webhook delivery attempts (HOLDFAST_WEBHOOK_ATTEMPT_RETENTION): the attempts of an
-- event delivered longer ago than the window are deleted; the event keeps how many there were, so
-- the admin API's order detail says that attempts were pruned rather than showing none.
alter table webhook_events add column attempts_pruned integer not null default 0;
-- The pruning job finds delivered events by when they were delivered.
create index webhook_events_delivered_idx on webhook_events (delivered_at) where delivered_at is not null;
