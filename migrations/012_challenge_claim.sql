-- One OTP submission wins: the first to claim a payment's 3-D Secure challenge (and only it) asks
-- the gateway; every other submission, and the expiry job, sees the claim and stands back.
alter table payments add column challenge_claimed_at timestamptz;
