-- Generated from bench/capture-statements.ts by `npm run bench`: the statements of one Holdfast capture.
-- Do not edit; edit capture-statements.ts (and check it with `npx tsx bench/drift-check.ts`).
\set iter :iter + 1
\set k :kbase + :client_id + :nclients * (:iter - 1)
\set i :ibase + (:k * :stride) % :isize
\set orderId 1000000000000000000 + :i
\set paymentId 2000000000000000000 + :i
\set captureRef :k
\set captureId 4000000000000000000 + :k
\set reversalId 5000000000000000000 + :k
\set captureGatewayRef 8000000000000000000 + :k
\set reversalGatewayRef 9000000000000000000 + :k
-- begin
BEGIN;
-- lock_order
select * from orders where id = :orderId and merchant_id = :merchantId for update;
-- find_capture_by_reference
select * from captures where order_id = :orderId and merchant_capture_reference = :captureRef;
-- load_aggregate
select row_to_json(o) as "order", coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments, coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures, coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals, coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds, coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency, 'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount)) from postings ps where ps.entry_id = j.id)) order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal from orders o where o.id = :orderId and o.merchant_id = :merchantId;
-- insert_capture
insert into captures (id, order_id, payment_id, merchant_capture_reference, request_fingerprint, amount, currency, status, created_at, updated_at) values (:captureId,:orderId,:paymentId,:captureRef,:fingerprint,:amount,:currency,:lit1,:now,:now);
-- set_order_capture_pending
update orders set state = :lit2, updated_at = :now where id = :orderId;
-- enqueue_capture_sync
insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at) values (:lit3, ('sync:' || :captureId), :syncPayload, :syncRunAt, :syncMaxAttempts, :now, :now) on conflict (job_key) do update set kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at, max_attempts = excluded.max_attempts, attempts = 0, last_error = null, failed_at = null, locked_by = null, locked_until = null, updated_at = excluded.updated_at;
-- commit
COMMIT;
-- begin
BEGIN;
-- lock_order
select * from orders where id = :orderId and merchant_id = :merchantId for update;
-- update_capture_succeeded
update captures set status = :lit4, error_code = NULL, error_message = NULL, gateway_reference = coalesce(:captureGatewayRef, gateway_reference), updated_at = :now where id = :captureId;
-- cancel_capture_sync
delete from jobs where job_key = ('sync:' || :captureId);
-- journal_capture
with entry as ( insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at) values (:merchantId,:orderId,:lit5,:captureId,:currency,:now) returning id) insert into postings (entry_id, account, amount) select entry.id, p.account, p.amount from entry, unnest(:captureAccounts::text[], :captureAmounts::bigint[]) as p(account, amount);
-- update_payment_captured
update payments set status = :lit6, updated_at = :now, connector_reference = coalesce(NULL, connector_reference), challenge_id = coalesce(NULL, challenge_id), error_code = NULL, error_message = NULL, approval_code = coalesce(NULL, approval_code), rrn = coalesce(NULL, rrn), acquirer_reference = coalesce(NULL, acquirer_reference) where id = :paymentId;
-- cancel_auto_void
delete from jobs where job_key = ('auto-void:' || :orderId);
-- insert_remainder_reversal
insert into reversals (id, order_id, payment_id, kind, amount, currency, status, created_at, updated_at) values (:reversalId,:orderId,:paymentId,:lit7,:remainder,:currency,:lit1,:now,:now);
-- enqueue_remainder_job
insert into jobs (kind, job_key, payload, run_at, max_attempts, created_at, updated_at) values (:lit8, ('remainder:' || :reversalId), :remainderPayload, :now, :remainderMaxAttempts, :now, :now) on conflict (job_key) do update set kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at, max_attempts = excluded.max_attempts, attempts = 0, last_error = null, failed_at = null, locked_by = null, locked_until = null, updated_at = excluded.updated_at;
-- set_order_partially_captured
update orders set state = :lit9, updated_at = :now where id = :orderId;
-- event_webhook_endpoint
select webhook_url, webhook_secret_ciphertext, webhook_basic_auth_ciphertext from merchants where id = :merchantId;
-- commit
COMMIT;
-- load_aggregate
select row_to_json(o) as "order", coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments, coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures, coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals, coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds, coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency, 'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount)) from postings ps where ps.entry_id = j.id)) order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal from orders o where o.id = :orderId and o.merchant_id = :merchantId;
-- begin
BEGIN;
-- lock_order
select * from orders where id = :orderId and merchant_id = :merchantId for update;
-- reversal_status
select status from reversals where id = :reversalId;
-- update_reversal_succeeded
update reversals set status = :lit4, error_code = NULL, error_message = NULL, gateway_reference = coalesce(:reversalGatewayRef, gateway_reference), updated_at = :now where id = :reversalId;
-- journal_reverse
with entry as ( insert into journal_entries (merchant_id, order_id, kind, reference_id, currency, created_at) values (:merchantId,:orderId,:lit10,:reversalId,:currency,:now) returning id) insert into postings (entry_id, account, amount) select entry.id, p.account, p.amount from entry, unnest(:reversalAccounts::text[], :reversalAmounts::bigint[]) as p(account, amount);
-- cancel_remainder_job
delete from jobs where job_key = ('remainder:' || :reversalId);
-- commit
COMMIT;
-- load_aggregate
select row_to_json(o) as "order", coalesce((select json_agg(p order by p.seq) from payments p where p.order_id = o.id), '[]') as payments, coalesce((select json_agg(c order by c.seq) from captures c where c.order_id = o.id), '[]') as captures, coalesce((select json_agg(v order by v.seq) from reversals v where v.order_id = o.id), '[]') as reversals, coalesce((select json_agg(f order by f.seq) from refunds f where f.order_id = o.id), '[]') as refunds, coalesce((select json_agg(json_build_object('kind', j.kind, 'reference_id', j.reference_id, 'currency', j.currency, 'postings', (select json_agg(json_build_object('account', ps.account, 'amount', ps.amount)) from postings ps where ps.entry_id = j.id)) order by j.id) from journal_entries j where j.order_id = o.id), '[]') as journal from orders o where o.id = :orderId and o.merchant_id = :merchantId;
