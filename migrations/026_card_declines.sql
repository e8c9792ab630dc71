-- Card-testing protection (src/core/card-testing.ts) counts, before each authorization, the recent
-- declines of one card and of one merchant. Counted straight from payments and orders, each count
-- walked every payment of the card, or every order of the merchant, in the window (an hour by
-- default), declined or not: at a busy merchant, tens of thousands of rows per authorization.
-- Declines now have a table of their own, kept by triggers on payments, so the counts read
-- declines only. The triggers fire only when a payment enters or leaves FAILED: a capture's or a
-- void's update of a payment evaluates their WHEN clause and nothing more, and stays in place (HOT).
create table card_declines (
  payment_id text primary key,
  merchant_id text not null,
  card_fingerprint text,
  order_created_at timestamptz not null,
  created_at timestamptz not null
);
create index card_declines_card_idx on card_declines (card_fingerprint, created_at) where card_fingerprint is not null;
create index card_declines_merchant_idx on card_declines (merchant_id, created_at);

-- The protection's own refusals (PAYMENT_RATE_LIMIT, src/connectors/gateway.ts) are not declines:
-- a rule lifts once the window has passed the declines that set it off.
create function card_declines_follow_payment() returns trigger language plpgsql as $$
begin
  if new.status = 'FAILED' and new.error_code is distinct from 'PAYMENT_RATE_LIMIT' then
    insert into card_declines (payment_id, merchant_id, card_fingerprint, order_created_at, created_at)
    select new.id, o.merchant_id, new.card_fingerprint, o.created_at, new.created_at from orders o where o.id = new.order_id
    on conflict (payment_id) do update set card_fingerprint = excluded.card_fingerprint;
  else
    delete from card_declines where payment_id = new.id;
  end if;
  return null;
end
$$;

create trigger payments_card_decline_inserted after insert on payments
  for each row when (new.status = 'FAILED') execute function card_declines_follow_payment();
create trigger payments_card_decline_updated after update of status, error_code, card_fingerprint on payments
  for each row when (
    (new.status = 'FAILED' or old.status = 'FAILED')
    and (old.status is distinct from new.status or old.error_code is distinct from new.error_code
         or old.card_fingerprint is distinct from new.card_fingerprint)
  ) execute function card_declines_follow_payment();

insert into card_declines (payment_id, merchant_id, card_fingerprint, order_created_at, created_at)
select p.id, o.merchant_id, p.card_fingerprint, o.created_at, p.created_at
from payments p join orders o on o.id = p.order_id
where p.status = 'FAILED' and p.error_code is distinct from 'PAYMENT_RATE_LIMIT';

-- Only card testing read this one (orders_merchant_recent_idx also serves one merchant's admin pages).
drop index payments_card_recent_idx;
