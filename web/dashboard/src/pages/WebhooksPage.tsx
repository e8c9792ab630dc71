import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { columnHelper, DataTable } from '../components/DataTable';
import { MerchantSelect } from '../components/MerchantSelect';
import { Badge, ErrorNote, Field, Loading, Mono, Pager } from '../components/ui';
import { formatTime } from '../format';
import { useMerchantName } from '../queries';
import type { WebhookFilters } from '../search';
import type { Page, WebhookEvent } from '../types';
import { usePaging } from '../usePaging';

const route = getRouteApi('/webhooks');
const helper = columnHelper<WebhookEvent>();

export function eventStatus(event: { delivered_at: string | null; gave_up_at: string | null }) {
  if (event.delivered_at) return <Badge tone="good">delivered</Badge>;
  if (event.gave_up_at) return <Badge tone="bad">failed</Badge>;
  return <Badge tone="warn">pending</Badge>;
}

export function WebhooksPage() {
  const filters = route.useSearch();
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhook events</h1>
      <WebhookFilterForm key={`form-${JSON.stringify(filters)}`} filters={filters} />
      <WebhookResults key={JSON.stringify(filters)} filters={filters} />
    </section>
  );
}

function WebhookFilterForm({ filters }: { filters: WebhookFilters }) {
  const navigate = useNavigate();
  const [merchantId, setMerchantId] = useState(filters.merchant_id ?? '');
  const [orderId, setOrderId] = useState(filters.order_id ?? '');
  const [status, setStatus] = useState(filters.status ?? '');
  function submit(event: SubmitEvent) {
    event.preventDefault();
    const search: WebhookFilters = {};
    if (merchantId) search.merchant_id = merchantId;
    if (orderId.trim()) search.order_id = orderId.trim();
    if (status === 'pending' || status === 'delivered' || status === 'failed') search.status = status;
    void navigate({ to: '/webhooks', search });
  }
  return (
    <form className="filters card" aria-label="Filter webhook events" onSubmit={submit}>
      <div className="filter-grid">
        <MerchantSelect value={merchantId} onChange={setMerchantId} />
        <Field label="Order id">{(props) => <input {...props} value={orderId} onChange={(e) => setOrderId(e.target.value)} />}</Field>
        <Field label="Status">
          {(props) => (
            <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              <option value="pending">Pending</option>
              <option value="delivered">Delivered</option>
              <option value="failed">Failed</option>
            </select>
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit">Filter</button>
      </div>
    </form>
  );
}

function WebhookResults({ filters }: { filters: WebhookFilters }) {
  const paging = usePaging();
  const merchantName = useMerchantName();
  const events = useQuery({
    queryKey: ['webhook-events', filters, paging.cursor],
    queryFn: () => api.get<Page<WebhookEvent>>('/webhooks/events', { ...filters, cursor: paging.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  const columns = [
    helper.accessor('event_type', {
      header: 'Event',
      cell: (info) => (
        <Link to="/webhooks/$eventId" params={{ eventId: info.row.original.id }}>
          {info.getValue()}
        </Link>
      ),
    }),
    helper.accessor('merchant_id', { header: 'Merchant', cell: (info) => merchantName(info.getValue()) }),
    helper.accessor('order_id', {
      header: 'Order',
      cell: (info) => {
        const orderId = info.getValue();
        return orderId ? (
          <Link to="/orders/$orderId" params={{ orderId }}>
            <Mono>{orderId}</Mono>
          </Link>
        ) : (
          '—'
        );
      },
    }),
    helper.display({ id: 'status', header: 'Status', cell: (info) => eventStatus(info.row.original) }),
    helper.accessor('attempts_count', { header: 'Attempts' }),
    helper.accessor('last_status_code', { header: 'Last answer', cell: (info) => info.getValue() ?? '—' }),
    helper.accessor('created_at', { header: 'Created (UTC)', cell: (info) => formatTime(info.getValue()) }),
  ];
  if (events.isPending) return <Loading what="Loading webhook events" />;
  return (
    <>
      <ErrorNote error={events.error} />
      <DataTable
        caption={`Webhook events, newest first (page ${paging.page})`}
        columns={columns}
        data={events.data?.data ?? []}
        empty="No webhook event matches."
        rowKey={(e) => e.id}
      />
      <Pager nextCursor={events.data?.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
    </>
  );
}
