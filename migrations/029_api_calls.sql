-- The merchant API calls of each order (src/core/api-call-log.ts), for the admin API's order
-- timeline: reads and refused calls too, which change nothing and so leave no other trace. Only
-- what identifies the call is kept: the route pattern (`/api/pay/v1/orders/:order_id`), never the
-- URL as sent, its query or its body, so no card data can reach this table. Written in batches,
-- off the request path; no foreign keys, so a batch never waits on an order's row lock.
create table api_calls (
  id bigint generated always as identity primary key,
  -- The order the call named, in Holdfast's ids; with merchant_id, what the timeline selects on:
  -- a call naming another merchant's order id is stored under the caller and never shown there.
  order_id text not null,
  merchant_id text not null,
  method text not null,
  route text not null,
  status_code smallint not null,
  -- The merchant's Request-ID header, when the call carried one.
  request_id text,
  -- This process's id of the request (as in its log lines).
  server_request_id text not null,
  dialect text not null,
  at timestamptz not null,
  duration_ms integer not null
);
create index api_calls_order_idx on api_calls (order_id, at);
-- Retention (HOLDFAST_API_CALL_RETENTION) deletes by age; rows arrive in time order, so a BRIN
-- index finds the old ones at almost no cost per insert.
create index api_calls_at_brin on api_calls using brin (at);
