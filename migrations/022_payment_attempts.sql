-- Payment attempts across gateways (docs/failover.md).
--
-- failover_of: an attempt a new authorization moved to the next gateway from, because the first
-- one provably never received it or declined it retryably. It shares the merchant's payment
-- reference with the attempt it replaced, so that reference stays unique only among the attempts
-- a merchant started itself.
-- challenge_redirect_url: an upstream gateway's own 3-D Secure page the customer is sent to.
-- gateway_details: where the authorization really went, as the upstream answered (gateway name,
-- its response code and message), shown on the order by both dialects.
alter table payments add column failover_of text references payments (id);
alter table payments add column challenge_redirect_url text;
alter table payments add column gateway_details jsonb;

alter table payments drop constraint payments_order_id_merchant_payment_reference_key;
create unique index payments_merchant_reference_idx on payments (order_id, merchant_payment_reference) where failover_of is null;

-- An upstream's webhook or return names the attempt by the upstream's own order id.
create index payments_connector_reference_idx on payments (connector_reference) where connector_reference is not null;
