-- Data keys: token signing, card fingerprints, request fingerprints and secret encryption. Each is
-- stored sealed (AES-256-GCM) with the master key, which never enters the database
-- (docs/security.md), so a copy of the database alone opens none of them. `master_key_id` names
-- the master key that sealed a row (a keyed digest of it, not the key). A retired key still
-- verifies or opens what it signed or sealed, and is no longer used for anything new.
-- The plaintext `server_keys` of earlier versions are moved here, sealed, by the first process
-- that starts with a master key, and then dropped (src/core/keys/legacy-keys.ts).
create table data_keys (
  id text primary key,
  purpose text not null check (purpose in ('token_signing', 'card_fingerprint', 'request_fingerprint', 'secret_encryption')),
  sealed text not null,
  master_key_id text not null,
  created_at timestamptz not null,
  retired_at timestamptz
);

-- A disabled merchant's tokens, API key and client credentials are refused (401).
alter table merchants add column disabled_at timestamptz;
