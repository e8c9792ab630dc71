-- A short opaque public id per payment attempt (Juspay's txn_uuid), the key of capture and void.
alter table payments add column txn_uuid text;
update payments set txn_uuid = 'eul' || substr(md5(id), 1, 17) where txn_uuid is null;
alter table payments alter column txn_uuid set not null;
create unique index payments_txn_uuid_idx on payments (txn_uuid);
