-- The operator's side (docs/admin-api.md): people who run Holdfast, their sessions, the admin
-- tokens scripts use, and the append-only audit log of everything either of them changed.

create table operators (
  id text primary key,
  email text not null unique,
  role text not null check (role in ('admin', 'support', 'viewer')),
  -- null: every merchant; otherwise only these.
  merchant_ids text[],
  -- scrypt, "scrypt$N$r$p$salt$hash" (base64url); null until a password is set.
  password_hash text,
  -- Set while the password is the one-time one printed at creation: it must be changed first.
  must_change_password boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  disabled_at timestamptz
);

create table operator_sessions (
  -- SHA-256 of the cookie's random value: a copy of the table opens no session.
  id_hash bytea primary key,
  operator_id text not null references operators (id),
  csrf_token_hash bytea not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index operator_sessions_operator_idx on operator_sessions (operator_id);

create table admin_tokens (
  id text primary key,
  name text not null,
  role text not null check (role in ('admin', 'support', 'viewer')),
  merchant_ids text[],
  -- SHA-256 of the secret part: the token is a random 256-bit value, shown once.
  secret_hash bytea not null,
  created_by text,
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('operator', 'token', 'cli', 'system')),
  actor_id text,
  actor_name text not null,
  action text not null,
  target_type text not null,
  target_id text,
  merchant_id text,
  before jsonb,
  after jsonb,
  reason text,
  request_id text
);
create index audit_log_merchant_idx on audit_log (merchant_id, id);
create index audit_log_target_idx on audit_log (target_type, target_id);

-- Append-only below the API too: a statement that would change or remove history fails.
create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();
