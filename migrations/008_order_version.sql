-- Every write on an order is one statement guarded by the version it was decided on (optimistic
-- concurrency): two operations that read the same version cannot both write, and the loser reads
-- again. Not indexed, so its updates stay HOT.
alter table orders add column version integer not null default 0;
-- What an upstream gateway needs to know about the order beyond its amount, in the core's own
-- words (each dialect maps its fields onto them): where the customer's browser returns, and who pays.
alter table orders add column return_url text;
alter table orders add column customer jsonb;
