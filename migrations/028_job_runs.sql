-- The history of background job runs: a finished job's row is deleted (src/store/jobs-repository.ts),
-- so each run leaves one compact row here, written by the statement that completes, reschedules or
-- fails the job. The admin API's order detail shows an order's runs in its timeline; the recurring
-- retention.prune job deletes runs older than HOLDFAST_JOB_RUN_RETENTION (src/core/retention.ts).
create table job_runs (
  id bigserial primary key,
  -- The jobs row the run belonged to (it may be gone); with attempt, one run of one job.
  job_id bigint not null,
  kind text not null,
  job_key text not null,
  -- The merchant and order the job concerns, when it concerns one (from its payload, or through
  -- the webhook event it delivers); null for system-wide jobs.
  merchant_id text,
  order_id text,
  attempt integer not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  outcome text not null check (outcome in ('done', 'retry', 'failed')),
  -- The first 500 characters of the error of a run that did not succeed.
  error text
);
create index job_runs_order_idx on job_runs (order_id, id) where order_id is not null;
-- The pruning job finds old runs by when they finished.
create index job_runs_finished_idx on job_runs (finished_at);
