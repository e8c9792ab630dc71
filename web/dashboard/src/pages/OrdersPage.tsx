import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { columnHelper, DataTable } from '../components/DataTable';
import { MerchantSelect } from '../components/MerchantSelect';
import { ErrorNote, Field, Loading, Mono, Pager, StatusBadge } from '../components/ui';
import { formatMoney, formatTime } from '../format';
import { useMerchantName } from '../queries';
import type { OrderFilters } from '../search';
import type { OrderSummary, Page } from '../types';
import { usePaging } from '../usePaging';

const route = getRouteApi('/orders');

export const ORDER_STATES = [
  'CREATED',
  'PENDING',
  'AUTHORIZED',
  'CAPTURE_PENDING',
  'CAPTURED',
  'PARTIALLY_CAPTURED',
  'CAPTURE_FAILED',
  'VOID_PENDING',
  'VOIDED',
  'VOID_FAILED',
  'ATTEMPTED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'FULLY_REFUNDED',
];

export function OrdersPage() {
  const filters = route.useSearch();
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <OrderSearchForm key={`form-${JSON.stringify(filters)}`} filters={filters} />
      <OrderResults key={JSON.stringify(filters)} filters={filters} />
    </section>
  );
}

/** `YYYY-MM-DDTHH:MM` (UTC) for a datetime-local input, from an ISO time. */
function toInput(iso: string | undefined): string {
  return iso ? iso.slice(0, 16) : '';
}

function toIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function OrderSearchForm({ filters }: { filters: OrderFilters }) {
  const navigate = useNavigate();
  const [form, setForm] = useState({
    merchant_id: filters.merchant_id ?? '',
    order_id: filters.order_id ?? '',
    merchant_order_reference: filters.merchant_order_reference ?? '',
    txn_uuid: filters.txn_uuid ?? '',
    status: filters.status ?? [],
    created_from: toInput(filters.created_from),
    created_to: toInput(filters.created_to),
    amount_min: filters.amount_min ?? '',
    amount_max: filters.amount_max ?? '',
    in_review: filters.in_review ?? false,
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const search: OrderFilters = {};
    for (const key of ['merchant_id', 'order_id', 'merchant_order_reference', 'txn_uuid', 'amount_min', 'amount_max'] as const) {
      const value = form[key].trim();
      if (value) search[key] = value;
    }
    if (form.status.length > 0) search.status = form.status;
    const from = toIso(form.created_from);
    const to = toIso(form.created_to);
    if (from) search.created_from = from;
    if (to) search.created_to = to;
    if (form.in_review) search.in_review = true;
    void navigate({ to: '/orders', search });
  }

  return (
    <form className="filters card" aria-label="Search orders" onSubmit={submit}>
      <div className="filter-grid">
        <MerchantSelect value={form.merchant_id} onChange={(value) => setForm({ ...form, merchant_id: value })} />
        <Field label="Merchant order reference">
          {(props) => <input {...props} value={form.merchant_order_reference} onChange={set('merchant_order_reference')} />}
        </Field>
        <Field label="Order id">{(props) => <input {...props} value={form.order_id} onChange={set('order_id')} />}</Field>
        <Field label="Transaction UUID">{(props) => <input {...props} value={form.txn_uuid} onChange={set('txn_uuid')} />}</Field>
        <Field label="Created from (UTC)">
          {(props) => <input {...props} type="datetime-local" value={form.created_from} onChange={set('created_from')} />}
        </Field>
        <Field label="Created to (UTC)">
          {(props) => <input {...props} type="datetime-local" value={form.created_to} onChange={set('created_to')} />}
        </Field>
        <Field label="Amount at least" hint="In minor units (paise, cents).">
          {(props) => <input {...props} inputMode="numeric" pattern="[0-9]*" value={form.amount_min} onChange={set('amount_min')} />}
        </Field>
        <Field label="Amount at most" hint="In minor units (paise, cents).">
          {(props) => <input {...props} inputMode="numeric" pattern="[0-9]*" value={form.amount_max} onChange={set('amount_max')} />}
        </Field>
        <Field label="State" hint="Choose one or more (Ctrl or ⌘ to add).">
          {(props) => (
            <select
              {...props}
              multiple
              size={4}
              value={form.status}
              onChange={(e) => setForm({ ...form, status: Array.from(e.target.selectedOptions, (o) => o.value) })}
            >
              {ORDER_STATES.map((state) => (
                <option key={state} value={state}>
                  {state}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field checkbox">
          <input
            id="in-review"
            type="checkbox"
            checked={form.in_review}
            onChange={(e) => setForm({ ...form, in_review: e.target.checked })}
          />
          <label htmlFor="in-review">Only orders in manual review</label>
        </div>
      </div>
      <div className="actions">
        <button type="submit">Search</button>
        <button type="button" className="secondary" onClick={() => void navigate({ to: '/orders', search: {} })}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

const helper = columnHelper<OrderSummary>();

function OrderResults({ filters }: { filters: OrderFilters }) {
  const paging = usePaging();
  const merchantName = useMerchantName();
  const orders = useQuery({
    queryKey: ['orders', filters, paging.cursor],
    queryFn: () => api.get<Page<OrderSummary>>('/orders', { ...filters, cursor: paging.cursor, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  const columns = [
    helper.accessor('merchant_order_reference', {
      header: 'Reference',
      cell: (info) => (
        <Link to="/orders/$orderId" params={{ orderId: info.row.original.id }}>
          {info.getValue() || info.row.original.id}
        </Link>
      ),
    }),
    helper.accessor('merchant_id', { header: 'Merchant', cell: (info) => merchantName(info.getValue()) }),
    helper.accessor('amount', {
      header: 'Amount',
      cell: (info) => <span className="num">{formatMoney(info.getValue(), info.row.original.currency)}</span>,
    }),
    helper.accessor('state', {
      header: 'State',
      cell: (info) => (
        <>
          <StatusBadge status={info.getValue()} />
          {info.row.original.review_reason ? <span className="badge badge-warn">in review</span> : null}
        </>
      ),
    }),
    helper.accessor('dialect', { header: 'Dialect' }),
    helper.accessor('pre_auth', { header: 'Pre-auth', cell: (info) => (info.getValue() ? 'Yes' : 'No') }),
    helper.accessor('created_at', { header: 'Created (UTC)', cell: (info) => formatTime(info.getValue()) }),
    helper.accessor('id', { header: 'Order id', cell: (info) => <Mono>{info.getValue()}</Mono> }),
  ];
  if (orders.isPending) return <Loading what="Searching orders" />;
  return (
    <>
      <ErrorNote error={orders.error} />
      <DataTable
        caption={`Orders, newest first (page ${paging.page})`}
        columns={columns}
        data={orders.data?.data ?? []}
        empty="No order matches these filters."
        rowKey={(o) => o.id}
      />
      <Pager nextCursor={orders.data?.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
    </>
  );
}
