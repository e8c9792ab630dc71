-- Core schema: merchants, orders and their child rows, the double-entry ledger, request keys.
-- Money is bigint minor units; every row carries its own timestamps.

create table server_keys (
  name text primary key,
  secret bytea not null,
  created_at timestamptz not null default now()
);

create table merchants (
  id text primary key,
  name text not null,
  client_id text not null unique,
  client_secret_hash bytea not null,
  api_key_hash bytea not null unique,
  webhook_url text,
  webhook_secret_ciphertext text,
  connector text not null default 'sandbox',
  capture_window_seconds integer,
  created_at timestamptz not null
);

create table orders (
  id text primary key,
  merchant_id text not null references merchants (id),
  dialect text not null,
  merchant_order_reference text not null,
  request_fingerprint text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  pre_auth boolean not null,
  state text not null,
  details jsonb not null default '{}',
  capture_deadline timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (merchant_id, merchant_order_reference)
);

create table payments (
  id text primary key,
  order_id text not null references orders (id),
  merchant_payment_reference text not null,
  request_fingerprint text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  method text not null,
  status text not null,
  card_bin text,
  card_last4 text,
  card_network text,
  card_expiry_month text,
  card_expiry_year text,
  card_holder_name text,
  card_fingerprint text,
  connector text not null,
  connector_reference text,
  challenge_id text unique,
  error_code text,
  error_message text,
  approval_code text,
  rrn text,
  acquirer_reference text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (order_id, merchant_payment_reference)
);
create index payments_order_idx on payments (order_id);

-- Captures, reversals (voids, auto-voids, remainder reversals) and refunds share one status
-- vocabulary: INITIATED (sent, no answer yet), GATEWAY_PENDING, UNKNOWN (timeout), SUCCEEDED, FAILED.
create table captures (
  id text primary key,
  order_id text not null references orders (id),
  payment_id text not null references payments (id),
  merchant_capture_reference text not null,
  request_fingerprint text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null,
  error_code text,
  error_message text,
  gateway_reference text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (order_id, merchant_capture_reference)
);
create index captures_order_idx on captures (order_id);

create table reversals (
  id text primary key,
  order_id text not null references orders (id),
  payment_id text not null references payments (id),
  kind text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null,
  error_code text,
  error_message text,
  gateway_reference text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index reversals_order_idx on reversals (order_id);

create table refunds (
  id text primary key,
  order_id text not null references orders (id),
  payment_id text not null references payments (id),
  merchant_refund_reference text not null,
  request_fingerprint text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null,
  details jsonb not null default '{}',
  error_code text,
  error_message text,
  gateway_reference text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (order_id, merchant_refund_reference)
);
create index refunds_order_idx on refunds (order_id);

create table journal_entries (
  id bigserial primary key,
  merchant_id text not null,
  order_id text not null references orders (id),
  kind text not null,
  reference_id text not null,
  currency text not null,
  created_at timestamptz not null,
  -- One ledger movement per capture, reversal, refund or authorization: exactly-once by construction.
  unique (kind, reference_id)
);
create index journal_entries_order_idx on journal_entries (order_id);

create table postings (
  entry_id bigint not null references journal_entries (id),
  account text not null,
  amount bigint not null,
  primary key (entry_id, account)
);

-- Request-ID idempotency: claimed in the transaction of the effect, the answer stored after.
create table request_keys (
  merchant_id text not null,
  request_id text not null,
  request_fingerprint text not null,
  order_id text,
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null,
  primary key (merchant_id, request_id)
);
