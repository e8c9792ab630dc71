-- Webhooks received from upstream gateways (docs/gateways.md), by the upstream's event id: an
-- event already acted on is not acted on again. Recorded after the event was acted on, so one whose
-- handling failed is handled again when the upstream resends it.
create table upstream_events (
  gateway_account_id text not null,
  event_id text not null,
  payment_id text,
  received_at timestamptz not null,
  primary key (gateway_account_id, event_id)
);
