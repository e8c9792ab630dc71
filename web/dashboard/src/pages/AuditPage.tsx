import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { columnHelper, DataTable } from '../components/DataTable';
import { MerchantSelect } from '../components/MerchantSelect';
import { ErrorNote, Field, Loading, Mono, Pager } from '../components/ui';
import { formatTime } from '../format';
import type { AuditFilters } from '../search';
import type { AuditEntry, Page } from '../types';
import { usePaging } from '../usePaging';

const route = getRouteApi('/audit');
const helper = columnHelper<AuditEntry>();

function changes(entry: AuditEntry): string {
  const show = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));
  const before = show(entry.before);
  const after = show(entry.after);
  if (!before && !after) return '';
  return before ? `${before} → ${after || '—'}` : after;
}

export function AuditPage() {
  const filters = route.useSearch();
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">Every change made through the admin API, by whom, and why. Entries are never changed or deleted.</p>
      <AuditFilterForm key={`form-${JSON.stringify(filters)}`} filters={filters} />
      <AuditResults key={JSON.stringify(filters)} filters={filters} />
    </section>
  );
}

function AuditFilterForm({ filters }: { filters: AuditFilters }) {
  const navigate = useNavigate();
  const [form, setForm] = useState({
    merchant_id: filters.merchant_id ?? '',
    target_type: filters.target_type ?? '',
    target_id: filters.target_id ?? '',
    actor_id: filters.actor_id ?? '',
  });
  function submit(event: SubmitEvent) {
    event.preventDefault();
    const search: AuditFilters = {};
    for (const key of ['merchant_id', 'target_type', 'target_id', 'actor_id'] as const) {
      const value = form[key].trim();
      if (value) search[key] = value;
    }
    void navigate({ to: '/audit', search });
  }
  return (
    <form className="filters card" aria-label="Filter the audit log" onSubmit={submit}>
      <div className="filter-grid">
        <MerchantSelect value={form.merchant_id} onChange={(value) => setForm({ ...form, merchant_id: value })} />
        <Field label="Target type" hint="e.g. merchant, credential, order, webhook_event">
          {(props) => <input {...props} value={form.target_type} onChange={(e) => setForm({ ...form, target_type: e.target.value })} />}
        </Field>
        <Field label="Target id">
          {(props) => <input {...props} value={form.target_id} onChange={(e) => setForm({ ...form, target_id: e.target.value })} />}
        </Field>
        <Field label="Actor id">
          {(props) => <input {...props} value={form.actor_id} onChange={(e) => setForm({ ...form, actor_id: e.target.value })} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit">Filter</button>
      </div>
    </form>
  );
}

function AuditResults({ filters }: { filters: AuditFilters }) {
  const paging = usePaging();
  const entries = useQuery({
    queryKey: ['audit', filters, paging.cursor],
    queryFn: () => api.get<Page<AuditEntry>>('/audit', { ...filters, cursor: paging.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  const columns = [
    helper.accessor('at', { header: 'At (UTC)', cell: (info) => formatTime(info.getValue()) }),
    helper.accessor('actor', { header: 'Actor', cell: (info) => `${info.getValue().name} (${info.getValue().kind})` }),
    helper.accessor('action', { header: 'Action' }),
    helper.display({
      id: 'target',
      header: 'Target',
      cell: (info) => (
        <>
          {info.row.original.target_type} {info.row.original.target_id ? <Mono>{info.row.original.target_id}</Mono> : null}
        </>
      ),
    }),
    helper.display({ id: 'change', header: 'Change', cell: (info) => <Mono>{changes(info.row.original)}</Mono> }),
    helper.accessor('reason', { header: 'Reason', cell: (info) => info.getValue() ?? '—' }),
    helper.accessor('request_id', { header: 'Request-ID', cell: (info) => (info.getValue() ? <Mono>{info.getValue()}</Mono> : '—') }),
  ];
  if (entries.isPending) return <Loading what="Loading the audit log" />;
  return (
    <>
      <ErrorNote error={entries.error} />
      <DataTable
        caption={`Audit entries, newest first (page ${paging.page})`}
        columns={columns}
        data={entries.data?.data ?? []}
        empty="No audit entry matches."
        rowKey={(e) => e.id}
      />
      <Pager nextCursor={entries.data?.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
    </>
  );
}
