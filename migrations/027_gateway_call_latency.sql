-- How long the gateway call whose answer a row holds took, in milliseconds (the order detail's
-- timeline, docs/admin-api.md): an authorization's on payments, a capture's, a release's and a
-- refund's on their own rows. Written by the same statement that records the answer
-- (src/store/order-writes.ts), from the same measure as the gateway metrics
-- (src/connectors/gateway-client.ts); an answer a status inquiry gives replaces it with the
-- inquiry's. Null: no gateway call gave the answer (an operator's resolution, an expired
-- challenge), the row awaits its answer, or it was answered before this column existed.
-- Nullable without a default: adding it rewrites no row.
alter table payments add column gateway_latency_ms integer;
alter table captures add column gateway_latency_ms integer;
alter table reversals add column gateway_latency_ms integer;
alter table refunds add column gateway_latency_ms integer;
