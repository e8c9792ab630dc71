-- Pine Labs payment links (docs/payment-links.md). A link owns one ordinary order, created with it;
-- the link's status is read from that order, so only what the order cannot say is stored here.
create table payment_links (
  id text primary key,
  merchant_id text not null references merchants (id),
  -- The merchant's reference: unique per merchant, and the idempotency key of creation.
  merchant_payment_link_reference text not null,
  request_fingerprint text not null,
  order_id text not null unique references orders (id),
  description text,
  expire_by timestamptz not null,
  -- When the customer first opened the link (status CLICKED until a payment starts).
  clicked_at timestamptz,
  -- The rest of the request as given (customer, product_details, merchant_metadata, …).
  details jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (merchant_id, merchant_payment_link_reference)
);

-- Holdfast sends no e-mail or SMS: each notification it would have sent is recorded here instead.
create table payment_link_notifications (
  id bigserial primary key,
  payment_link_id text not null references payment_links (id),
  channel text not null,
  recipient text not null,
  message text not null,
  created_at timestamptz not null
);
create index payment_link_notifications_link_idx on payment_link_notifications (payment_link_id);

-- An order no longer taking payments, and why ('expired', 'cancelled': its payment link's end).
-- Written as a guarded order change, so a payment racing it either wins or is refused.
alter table orders add column payment_closed_reason text;
