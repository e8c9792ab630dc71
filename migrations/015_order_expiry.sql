-- Until when an unpaid order takes a payment (docs/order-expiry.md). New orders get it at creation:
-- the request's own expiry (Juspay's order_expiry, a payment link's expire_by) or HOLDFAST_ORDER_TTL.
alter table orders add column expires_at timestamptz;

-- A payment link's order expires with its link.
update orders o set expires_at = l.expire_by from payment_links l where l.order_id = o.id;

-- Other orders still waiting for a payment get the default lifetime from their creation (a
-- migration cannot read HOLDFAST_ORDER_TTL): those older than a day expire as soon as a worker runs.
-- Orders past payment keep none; they take no payment anyway.
update orders set expires_at = created_at + interval '24 hours'
where expires_at is null and state in ('CREATED', 'ATTEMPTED', 'PENDING') and payment_closed_reason is null;

-- Each of those gets its expiry job, as a new order does (payment links have theirs already).
insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at)
select 'order.expiry', 'order-expiry:' || o.id, jsonb_build_object('merchantId', o.merchant_id, 'orderId', o.id), o.expires_at, 20, now(), now()
from orders o
where o.expires_at is not null and o.state in ('CREATED', 'ATTEMPTED', 'PENDING') and o.payment_closed_reason is null
  and not exists (select from payment_links l where l.order_id = o.id)
on conflict (job_key) do nothing;
