import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { columnHelper, DataTable } from '../components/DataTable';
import { MerchantSelect } from '../components/MerchantSelect';
import { Badge, ErrorNote, Field, Loading, Mono, Pager } from '../components/ui';
import { formatTime } from '../format';
import { useMerchantName } from '../queries';
import type { JobFilters } from '../search';
import type { Job, JobRun, JobState, Page } from '../types';
import { usePaging } from '../usePaging';

const route = getRouteApi('/jobs');
const jobHelper = columnHelper<Job>();
const runHelper = columnHelper<JobRun>();

const STATE_TONES: Record<JobState, 'good' | 'bad' | 'warn' | 'neutral'> = {
  scheduled: 'neutral',
  due: 'warn',
  running: 'good',
  failed: 'bad',
};
const OUTCOME_TONES: Record<JobRun['outcome'], 'good' | 'bad' | 'warn'> = { done: 'good', retry: 'warn', failed: 'bad' };

export function JobsPage() {
  const filters = route.useSearch();
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Background jobs</h1>
      <p className="muted">
        Auto-voids, status inquiries, webhook deliveries and the other work done in the background: the jobs waiting, running or failed, in
        the order they are to run, and the runs they made.
      </p>
      <JobFilterForm key={`form-${JSON.stringify(filters)}`} filters={filters} />
      <JobResults key={JSON.stringify(filters)} filters={filters} />
    </section>
  );
}

function JobFilterForm({ filters }: { filters: JobFilters }) {
  const navigate = useNavigate();
  const [merchantId, setMerchantId] = useState(filters.merchant_id ?? '');
  const [kind, setKind] = useState(filters.kind ?? '');
  const [state, setState] = useState(filters.state ?? '');
  const [orderId, setOrderId] = useState(filters.order_id ?? '');
  function submit(event: SubmitEvent) {
    event.preventDefault();
    const search: JobFilters = {};
    if (merchantId) search.merchant_id = merchantId;
    if (kind.trim()) search.kind = kind.trim();
    if (orderId.trim()) search.order_id = orderId.trim();
    if (state === 'scheduled' || state === 'due' || state === 'running' || state === 'failed') search.state = state;
    void navigate({ to: '/jobs', search });
  }
  return (
    <form className="filters card" aria-label="Filter jobs" onSubmit={submit}>
      <div className="filter-grid">
        <MerchantSelect value={merchantId} onChange={setMerchantId} />
        <Field label="Kind" hint="e.g. order.auto_void, sync.capture, webhook.deliver">
          {(props) => <input {...props} value={kind} onChange={(e) => setKind(e.target.value)} />}
        </Field>
        <Field label="State">
          {(props) => (
            <select {...props} value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">Any</option>
              <option value="due">Due</option>
              <option value="running">Running</option>
              <option value="failed">Failed</option>
              <option value="scheduled">Scheduled</option>
            </select>
          )}
        </Field>
        <Field label="Order id">{(props) => <input {...props} value={orderId} onChange={(e) => setOrderId(e.target.value)} />}</Field>
      </div>
      <div className="actions">
        <button type="submit">Filter</button>
      </div>
    </form>
  );
}

function OrderLink({ orderId }: { orderId: string | null }) {
  return orderId ? (
    <Link to="/orders/$orderId" params={{ orderId }}>
      <Mono>{orderId}</Mono>
    </Link>
  ) : (
    '—'
  );
}

function JobResults({ filters }: { filters: JobFilters }) {
  const paging = usePaging();
  const merchantName = useMerchantName();
  const jobs = useQuery({
    queryKey: ['jobs', filters, paging.cursor],
    queryFn: () => api.get<Page<Job>>('/jobs', { ...filters, cursor: paging.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  const columns = [
    jobHelper.accessor('kind', { header: 'Kind', cell: (info) => <Mono>{info.getValue()}</Mono> }),
    jobHelper.accessor('state', { header: 'State', cell: (info) => <Badge tone={STATE_TONES[info.getValue()]}>{info.getValue()}</Badge> }),
    jobHelper.accessor('merchant_id', {
      header: 'Merchant',
      cell: (info) => {
        const id = info.getValue();
        return id ? merchantName(id) : 'system-wide';
      },
    }),
    jobHelper.accessor('order_id', { header: 'Order', cell: (info) => <OrderLink orderId={info.getValue()} /> }),
    jobHelper.accessor('run_at', { header: 'Runs at (UTC)', cell: (info) => formatTime(info.getValue()) }),
    jobHelper.display({
      id: 'attempts',
      header: 'Attempts',
      cell: (info) => `${info.row.original.attempts} of ${info.row.original.max_attempts}`,
    }),
    jobHelper.accessor('last_error', { header: 'Last error', cell: (info) => info.getValue() ?? '—' }),
  ];
  if (jobs.isPending) return <Loading what="Loading jobs" />;
  return (
    <>
      <section aria-labelledby="job-list-title">
        <h2 id="job-list-title">Jobs</h2>
        <ErrorNote error={jobs.error} />
        <DataTable
          caption={`Jobs in the order they are to run (page ${paging.page})`}
          columns={columns}
          data={jobs.data?.data ?? []}
          empty="No job matches."
          rowKey={(j) => String(j.id)}
        />
        <Pager nextCursor={jobs.data?.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
      </section>
      {/* The runs load once the jobs have: one loading notice at a time. */}
      <RunResults filters={filters} />
    </>
  );
}

function RunResults({ filters }: { filters: JobFilters }) {
  const paging = usePaging();
  const merchantName = useMerchantName();
  const runFilters = { merchant_id: filters.merchant_id, kind: filters.kind, order_id: filters.order_id };
  const runs = useQuery({
    queryKey: ['job-runs', runFilters, paging.cursor],
    queryFn: () => api.get<Page<JobRun>>('/jobs/runs', { ...runFilters, cursor: paging.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  const columns = [
    runHelper.accessor('finished_at', { header: 'Finished (UTC)', cell: (info) => formatTime(info.getValue()) }),
    runHelper.accessor('kind', { header: 'Kind', cell: (info) => <Mono>{info.getValue()}</Mono> }),
    runHelper.accessor('attempt', { header: 'Attempt' }),
    runHelper.accessor('outcome', {
      header: 'Outcome',
      cell: (info) => <Badge tone={OUTCOME_TONES[info.getValue()]}>{info.getValue()}</Badge>,
    }),
    runHelper.accessor('merchant_id', {
      header: 'Merchant',
      cell: (info) => {
        const id = info.getValue();
        return id ? merchantName(id) : 'system-wide';
      },
    }),
    runHelper.accessor('order_id', { header: 'Order', cell: (info) => <OrderLink orderId={info.getValue()} /> }),
    runHelper.accessor('error', { header: 'Error', cell: (info) => info.getValue() ?? '—' }),
  ];
  if (runs.isPending) return <Loading what="Loading job runs" />;
  return (
    <section aria-labelledby="run-list-title">
      <h2 id="run-list-title">Recent runs</h2>
      <ErrorNote error={runs.error} />
      <DataTable
        caption={`Job runs, newest first (page ${paging.page})`}
        columns={columns}
        data={runs.data?.data ?? []}
        empty="No job run matches."
        rowKey={(r) => String(r.id)}
      />
      <Pager nextCursor={runs.data?.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
    </section>
  );
}
