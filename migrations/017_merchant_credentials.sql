-- Every credential a merchant holds, of each kind (docs/admin-api.md "Merchants and credentials"):
-- a rotation adds one and gives the one it replaces an expiry, so both work during the overlap;
-- a revocation ends one at once. Authentication and webhook signing read this table; the
-- merchants table's columns keep a copy of the newest credential of each kind.

create table merchant_credentials (
  id text primary key,
  merchant_id text not null references merchants (id),
  kind text not null check (kind in ('client_secret', 'api_key', 'webhook_secret', 'redirect_keys')),
  -- Issue order: the newest of a kind is the one with the highest position (timestamps may tie).
  position bigint generated always as identity,
  -- client_secret: the client id it pairs with.
  client_id text,
  -- client_secret, api_key: SHA-256 of the random secret.
  secret_hash bytea,
  -- webhook_secret: the secret; redirect_keys: the Pine Labs redirect secret (sealed with a data key).
  secret_ciphertext text,
  -- redirect_keys: the Juspay response key (sealed with a data key).
  response_key_ciphertext text,
  -- The last four characters of the secret; null for credentials issued before this table.
  hint text check (hint is null or length(hint) <= 4),
  created_at timestamptz not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  check (
    (kind in ('client_secret', 'api_key') and secret_hash is not null)
    or (kind = 'webhook_secret' and secret_ciphertext is not null)
    or (kind = 'redirect_keys' and secret_ciphertext is not null and response_key_ciphertext is not null)
  )
);
create index merchant_credentials_merchant_idx on merchant_credentials (merchant_id, kind, position);
create unique index merchant_credentials_secret_hash_idx on merchant_credentials (secret_hash) where secret_hash is not null;

-- The credentials every merchant holds today, as they are stored on the merchant.
insert into merchant_credentials (id, merchant_id, kind, client_id, secret_hash, created_at)
  select 'cred_' || substr(md5('client_secret' || id), 1, 24), id, 'client_secret', client_id, client_secret_hash, created_at
    from merchants order by created_at, id;
insert into merchant_credentials (id, merchant_id, kind, secret_hash, created_at)
  select 'cred_' || substr(md5('api_key' || id), 1, 24), id, 'api_key', api_key_hash, created_at
    from merchants order by created_at, id;
insert into merchant_credentials (id, merchant_id, kind, secret_ciphertext, created_at)
  select 'cred_' || substr(md5('webhook_secret' || id), 1, 24), id, 'webhook_secret', webhook_secret_ciphertext, created_at
    from merchants where webhook_secret_ciphertext is not null order by created_at, id;
insert into merchant_credentials (id, merchant_id, kind, secret_ciphertext, response_key_ciphertext, created_at)
  select 'cred_' || substr(md5('redirect_keys' || id), 1, 24), id, 'redirect_keys', pinelabs_redirect_secret_ciphertext,
         juspay_response_key_ciphertext, created_at
    from merchants
   where pinelabs_redirect_secret_ciphertext is not null and juspay_response_key_ciphertext is not null
   order by created_at, id;
