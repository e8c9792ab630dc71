-- A 3-D Secure challenge is open for a limited time (HOLDFAST_CHALLENGE_TTL): an OTP entered after
-- it fails authentication exactly as a wrong one does.
alter table payments add column challenge_expires_at timestamptz;
