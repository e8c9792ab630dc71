-- A merchant's routing rules (docs/routing.md): which of its gateway accounts a new authorization
-- is sent to. Stored as validated, with every account named by its id; a merchant without a row
-- keeps sending to its own connector (merchants.connector).

create table routing_rules (
  merchant_id text primary key references merchants (id),
  rules jsonb not null,
  updated_at timestamptz not null
);
