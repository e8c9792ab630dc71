-- Durable background work: jobs as rows, and the webhook outbox with every delivery attempt.

create table jobs (
  id bigserial primary key,
  kind text not null,
  -- Rescheduling with the same key replaces the job rather than adding a second one.
  job_key text not null unique,
  payload jsonb not null default '{}',
  run_at timestamptz not null,
  attempts integer not null default 0,
  max_attempts integer not null,
  last_error text,
  locked_by text,
  locked_until timestamptz,
  -- Set when the last attempt failed: the job stays for inspection, never runs again by itself.
  failed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index jobs_due_idx on jobs (run_at) where failed_at is null;

create table webhook_events (
  -- Stable across retries and replays: receivers drop duplicates by it.
  id text primary key,
  merchant_id text not null references merchants (id),
  order_id text not null references orders (id),
  dialect text not null,
  event_type text not null,
  -- The exact body sent (and signed), rendered when the state changed.
  payload text not null,
  created_at timestamptz not null,
  delivered_at timestamptz,
  gave_up_at timestamptz
);
create index webhook_events_merchant_idx on webhook_events (merchant_id, created_at);
create index webhook_events_order_idx on webhook_events (order_id);

create table webhook_attempts (
  id bigserial primary key,
  event_id text not null references webhook_events (id),
  attempted_at timestamptz not null,
  url text not null,
  status_code integer,
  latency_ms integer not null,
  response_excerpt text,
  error text
);
create index webhook_attempts_event_idx on webhook_attempts (event_id);

-- Juspay webhooks carry HTTP Basic credentials of the merchant's choosing ("user:password", encrypted).
alter table merchants add column webhook_basic_auth_ciphertext text;

-- An outcome still unknown after the last status inquiry: flagged for a person, never guessed.
alter table orders add column review_reason text;
