-- A merchant's accounts at the gateways Holdfast sits in front of (docs/gateways.md "Gateway
-- accounts"). The account's id (gwa_…) is also the connector name its payments are sent through,
-- so a payment names the account that authorized it and its capture, void and refund follow it
-- there, even after the account is disabled (disabling only keeps new payments away from it).

create table gateway_accounts (
  id text primary key,
  merchant_id text not null references merchants (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('pinelabs-online', 'juspay', 'sandbox', 'http-acquirer')),
  -- The upstream's base URL; the sandbox has none.
  base_url text,
  -- Every credential of the account as one JSON object, sealed with a data key (`v2.<key id>.…`):
  -- it is opened only to build the connector, and a key rotation re-seals it.
  credentials_ciphertext text not null,
  -- Insertion order, for listings (timestamps may tie).
  position bigint generated always as identity,
  disabled_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (base_url is not null or kind = 'sandbox')
);
-- One name per merchant; the index also serves listing a merchant's accounts.
create unique index gateway_accounts_merchant_name_idx on gateway_accounts (merchant_id, name);
