-- Keep a Request-ID's answer byte for byte (jsonb would reorder its keys).
alter table request_keys alter column response_body type text using response_body::text;
