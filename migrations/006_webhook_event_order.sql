-- Events of one state change share a timestamp: list them in the order they were written.
alter table webhook_events add column seq bigserial;
