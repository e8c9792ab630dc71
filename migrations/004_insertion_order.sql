-- Child rows are listed in insertion order; timestamps can tie (one clock tick, or a test clock).
alter table payments add column seq bigserial;
alter table captures add column seq bigserial;
alter table reversals add column seq bigserial;
alter table refunds add column seq bigserial;
