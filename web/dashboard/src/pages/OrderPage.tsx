import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { ErrorNote, Field, Item, Loading, Mono, StatusBadge, SuccessNote, Badge } from '../components/ui';
import { formatLatency, formatMoney, formatTime } from '../format';
import { useCan } from '../session';
import type { ApiCall, Merchant, Operation, OrderDetail, OrderWebhook } from '../types';

const route = getRouteApi('/orders/$orderId');

export function OrderPage() {
  const { orderId } = route.useParams();
  const order = useQuery({ queryKey: ['order', orderId], queryFn: () => api.get<OrderDetail>(`/orders/${encodeURIComponent(orderId)}`) });
  if (order.isPending) return <Loading what="Loading the order" />;
  if (!order.data) {
    return (
      <section aria-labelledby="order-title">
        <h1 id="order-title">Order</h1>
        <ErrorNote error={order.error} />
        <p>
          <Link to="/orders">Back to orders</Link>
        </p>
      </section>
    );
  }
  return <OrderView detail={order.data} />;
}

function OrderView({ detail }: { detail: OrderDetail }) {
  const { order } = detail;
  const merchant = useQuery({
    queryKey: ['merchant', order.merchant_id],
    queryFn: () => api.get<Merchant>(`/merchants/${encodeURIComponent(order.merchant_id)}`),
  });
  const currency = order.currency;
  return (
    <article aria-labelledby="order-title" className="stack-lg">
      <p className="crumbs">
        <Link to="/orders">Orders</Link> <span aria-hidden="true">›</span> {order.merchant_order_reference || order.id}
      </p>
      <div className="page-head">
        <h1 id="order-title">
          Order {order.merchant_order_reference || order.id} <StatusBadge status={order.state} />
        </h1>
        {order.review_reason ? (
          <Link to="/reviews" className="button-link">
            In manual review: resolve
          </Link>
        ) : null}
      </div>

      <section className="card" aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        <dl className="facts columns">
          <Item term="Amount">{formatMoney(order.amount, currency)}</Item>
          <Item term="State">{order.state}</Item>
          <Item term="Merchant">
            <Link to="/merchants/$merchantId" params={{ merchantId: order.merchant_id }}>
              {merchant.data?.name ?? order.merchant_id}
            </Link>
          </Item>
          <Item term="Dialect">{order.dialect}</Item>
          <Item term="Pre-auth">{order.pre_auth ? 'Yes (capture later)' : 'No (sale)'}</Item>
          <Item term="Order id">
            <Mono>{order.id}</Mono>
          </Item>
          <Item term="Created">{formatTime(order.created_at)}</Item>
          <Item term="Updated">{formatTime(order.updated_at)}</Item>
          <Item term="Expires">{formatTime(order.expires_at)}</Item>
          <Item term="Capture deadline">{formatTime(order.capture_deadline)}</Item>
          {order.payment_closed_reason ? <Item term="Payment closed">{order.payment_closed_reason}</Item> : null}
          {order.review_reason ? <Item term="Review reason">{order.review_reason}</Item> : null}
        </dl>
      </section>

      {merchant.data?.connector === 'sandbox' ? <SandboxTools detail={detail} /> : null}

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {detail.timeline.length === 0 ? (
          <p className="muted">No events.</p>
        ) : (
          <ol className="timeline">
            {detail.timeline.map((event, index) => (
              <li key={`${event.at}-${index}`} className={`timeline-${event.kind}`}>
                <span className="timeline-time">{formatTime(event.at)}</span>
                <span className="badge badge-neutral">{event.kind.replace('_', ' ')}</span>{' '}
                {event.call ? <ApiCallTitle call={event.call} /> : <strong>{event.title}</strong>}
                {event.detail ? <span className="timeline-detail"> — {event.detail}</span> : null}
                {event.latency_ms !== null ? <span className="muted"> · {formatLatency(event.latency_ms)}</span> : null}
                {event.request_id ? (
                  <span className="muted">
                    {' '}
                    · Request-ID <Mono>{event.request_id}</Mono>
                  </span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="card" aria-labelledby="payments-title">
        <h2 id="payments-title">Payments</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Payment attempts</caption>
            <thead>
              <tr>
                <th scope="col">Transaction</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Method</th>
                <th scope="col">Card</th>
                <th scope="col">Gateway</th>
                <th scope="col">Error</th>
                <th scope="col">Latency</th>
                <th scope="col">Created (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {detail.payments.length === 0 ? (
                <tr>
                  <td colSpan={9} className="empty">
                    No payment attempt yet.
                  </td>
                </tr>
              ) : (
                detail.payments.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Mono>{p.txn_uuid ?? p.id}</Mono>
                    </td>
                    <td className="num">{formatMoney(p.amount, p.currency)}</td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td>{p.method ?? '—'}</td>
                    <td>
                      {p.card
                        ? `${p.card.network ?? ''} ${p.card.bin ?? ''}…${p.card.last4 ?? ''} ${p.card.expiry_month ?? ''}/${p.card.expiry_year ?? ''}`.trim()
                        : '—'}
                    </td>
                    <td>
                      {p.connector ?? '—'}
                      {p.connector_reference ? (
                        <>
                          {' '}
                          <Mono>{p.connector_reference}</Mono>
                        </>
                      ) : null}
                      {p.approval_code ? ` · approval ${p.approval_code}` : ''}
                      {p.rrn ? ` · RRN ${p.rrn}` : ''}
                    </td>
                    <td>{p.error_code ? `${p.error_code}: ${p.error_message ?? ''}` : '—'}</td>
                    <td className="num">{formatLatency(p.gateway_latency_ms)}</td>
                    <td>{formatTime(p.created_at)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <OperationsTable title="Captures" id="captures" operations={detail.captures} />
      <OperationsTable title="Voids and releases" id="reversals" operations={detail.reversals} />
      <OperationsTable title="Refunds" id="refunds" operations={detail.refunds} />
      <LedgerSection detail={detail} />
      <WebhooksSection webhooks={detail.webhooks} orderId={order.id} />

      <section className="card" aria-labelledby="links-title">
        <h2 id="links-title">Links</h2>
        {detail.links.length === 0 ? (
          <p className="muted">No hosted page or redirect was issued for this order.</p>
        ) : (
          <ul className="plain">
            {detail.links.map((link) => (
              <li key={`${link.kind}-${link.url}`}>
                <Badge>{link.kind.replace('_', ' ')}</Badge> <Mono>{link.url}</Mono>{' '}
                <span className="muted">{formatTime(link.created_at)}</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/audit" search={{ target_id: order.id }}>
            Audit entries of this order
          </Link>{' '}
          ·{' '}
          <Link to="/webhooks" search={{ order_id: order.id }}>
            Webhook events of this order
          </Link>
        </p>
      </section>
    </article>
  );
}

function OperationsTable({ title, id, operations }: { title: string; id: string; operations: Operation[] }) {
  if (operations.length === 0) return null;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Kind</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">Reference</th>
              <th scope="col">Gateway reference</th>
              <th scope="col">Error</th>
              <th scope="col">Latency</th>
              <th scope="col">Created (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {operations.map((op) => (
              <tr key={op.id}>
                <td>
                  <Mono>{op.id}</Mono>
                </td>
                <td>{op.kind ?? '—'}</td>
                <td className="num">{formatMoney(op.amount, op.currency)}</td>
                <td>
                  <StatusBadge status={op.status} />
                </td>
                <td>{op.reference ?? '—'}</td>
                <td>{op.gateway_reference ? <Mono>{op.gateway_reference}</Mono> : '—'}</td>
                <td>{op.error_code ? `${op.error_code}: ${op.error_message ?? ''}` : '—'}</td>
                <td className="num">{formatLatency(op.gateway_latency_ms)}</td>
                <td>{formatTime(op.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LedgerSection({ detail }: { detail: OrderDetail }) {
  const { ledger, order } = detail;
  const allOk = ledger.invariants.every((i) => i.ok);
  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">
        Ledger <Badge tone={allOk ? 'good' : 'bad'}>{allOk ? 'balanced' : 'invariant failed'}</Badge>
      </h2>
      <h3>Invariants</h3>
      <ul className="plain invariants">
        {ledger.invariants.map((inv) => (
          <li key={inv.name}>
            <Badge tone={inv.ok ? 'good' : 'bad'}>{inv.ok ? 'ok' : 'failed'}</Badge> {inv.name}
            {inv.detail ? <span className="muted"> — {inv.detail}</span> : null}
          </li>
        ))}
      </ul>
      <h3>Postings</h3>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Ledger postings with the running balance of each account</caption>
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">At (UTC)</th>
              <th scope="col">Account</th>
              <th scope="col">Amount</th>
              <th scope="col">Balance after</th>
            </tr>
          </thead>
          <tbody>
            {ledger.entries.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  Nothing posted yet.
                </td>
              </tr>
            ) : (
              ledger.entries.flatMap((entry) =>
                entry.postings.map((posting, index) => (
                  <tr key={`${entry.id}-${index}`} className={index === 0 ? 'entry-start' : undefined}>
                    {index === 0 ? (
                      <th scope="rowgroup" rowSpan={entry.postings.length}>
                        {entry.kind}
                      </th>
                    ) : null}
                    {index === 0 ? <td rowSpan={entry.postings.length}>{formatTime(entry.created_at)}</td> : null}
                    <td>{posting.account}</td>
                    <td className="num">{formatMoney(posting.amount, order.currency)}</td>
                    <td className="num">{formatMoney(posting.balance_after, order.currency)}</td>
                  </tr>
                )),
              )
            )}
          </tbody>
        </table>
      </div>
      <h3>Balances</h3>
      <dl className="facts columns">
        {Object.entries(ledger.balances).map(([account, amount]) => (
          <Item key={account} term={account}>
            {formatMoney(amount, order.currency)}
          </Item>
        ))}
      </dl>
    </section>
  );
}

function WebhooksSection({ webhooks, orderId }: { webhooks: OrderWebhook[]; orderId: string }) {
  const canReplay = useCan('support');
  const queryClient = useQueryClient();
  const replay = useMutation({
    mutationFn: (eventId: string) => api.post(`/webhooks/events/${encodeURIComponent(eventId)}/replay`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['order', orderId] }),
  });
  return (
    <section className="card" aria-labelledby="order-webhooks-title">
      <h2 id="order-webhooks-title">Webhook events</h2>
      <ErrorNote error={replay.error} />
      {replay.isSuccess ? <SuccessNote>Replay queued: the event is delivered again under the same id.</SuccessNote> : null}
      {webhooks.length === 0 ? <p className="muted">No webhook event for this order.</p> : null}
      {webhooks.map((hook) => (
        <div key={hook.id} className="webhook">
          <h3>
            <Link to="/webhooks/$eventId" params={{ eventId: hook.id }}>
              {hook.event_type}
            </Link>{' '}
            <Badge tone={hook.delivered_at ? 'good' : hook.gave_up_at ? 'bad' : 'warn'}>
              {hook.delivered_at ? 'delivered' : hook.gave_up_at ? 'gave up' : 'pending'}
            </Badge>
          </h3>
          <p className="muted">
            {hook.dialect} · created {formatTime(hook.created_at)}
            {hook.delivered_at ? ` · delivered ${formatTime(hook.delivered_at)}` : ''}
            {hook.gave_up_at ? ` · gave up ${formatTime(hook.gave_up_at)}` : ''}
          </p>
          <AttemptsTable attempts={hook.attempts} caption={`Delivery attempts of ${hook.event_type}`} />
          {canReplay ? (
            <button type="button" className="secondary small" disabled={replay.isPending} onClick={() => replay.mutate(hook.id)}>
              Replay {hook.event_type}
            </button>
          ) : null}
        </div>
      ))}
    </section>
  );
}

export function AttemptsTable({ attempts, caption }: { attempts: OrderWebhook['attempts']; caption: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Attempted (UTC)</th>
            <th scope="col">URL</th>
            <th scope="col">Status</th>
            <th scope="col">Latency</th>
            <th scope="col">Response</th>
          </tr>
        </thead>
        <tbody>
          {attempts.length === 0 ? (
            <tr>
              <td colSpan={5} className="empty">
                Not attempted yet.
              </td>
            </tr>
          ) : (
            attempts.map((a) => (
              <tr key={a.id}>
                <td>{formatTime(a.attempted_at)}</td>
                <td>
                  <Mono>{a.url}</Mono>
                </td>
                <td>
                  <Badge tone={a.status_code !== null && a.status_code >= 200 && a.status_code < 300 ? 'good' : 'bad'}>
                    {a.status_code ?? 'no answer'}
                  </Badge>
                </td>
                <td className="num">{formatLatency(a.latency_ms)}</td>
                <td>
                  <Mono>{a.response_excerpt ?? a.error ?? ''}</Mono>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Sandbox merchants only: answer a pending operation as the gateway would, or close the capture window now. */
function SandboxTools({ detail }: { detail: OrderDetail }) {
  const canUse = useCan('support');
  const queryClient = useQueryClient();
  const orderId = detail.order.id;
  const pending = [...detail.captures, ...detail.reversals, ...detail.refunds].filter((op) => /PENDING/i.test(op.status));
  const [operationId, setOperationId] = useState('');
  const [outcome, setOutcome] = useState<'succeeded' | 'failed'>('succeeded');
  const done = (answer: OrderDetail) => queryClient.setQueryData(['order', orderId], answer);
  const settle = useMutation({
    mutationFn: () =>
      api.post<OrderDetail>(`/sandbox/orders/${encodeURIComponent(orderId)}/settle`, {
        operation_id: operationId || pending[0]?.id,
        outcome,
      }),
    onSuccess: done,
  });
  const expire = useMutation({
    mutationFn: () => api.post<OrderDetail>(`/sandbox/orders/${encodeURIComponent(orderId)}/expire-capture-window`),
    onSuccess: done,
  });
  function submit(event: SubmitEvent) {
    event.preventDefault();
    settle.mutate();
  }
  return (
    <section className="card sandbox" aria-labelledby="sandbox-title">
      <h2 id="sandbox-title">Sandbox tools</h2>
      <p className="muted">This merchant uses the sandbox connector: act as the gateway would.</p>
      {!canUse ? <p className="muted">Your role (viewer) may not use these tools.</p> : null}
      <ErrorNote error={settle.error ?? expire.error} />
      {settle.isSuccess ? <SuccessNote>The operation was settled.</SuccessNote> : null}
      {expire.isSuccess ? (
        <SuccessNote>
          {expire.data.order.state === 'VOIDED'
            ? 'The capture window closed and the authorization was released.'
            : `The capture window closed; the order is ${expire.data.order.state} until the gateway answers: settle the release below.`}
        </SuccessNote>
      ) : null}
      <form className="inline-form" onSubmit={submit} aria-label="Settle a pending operation">
        <Field label="Pending operation">
          {(props) => (
            <select
              {...props}
              value={operationId || pending[0]?.id || ''}
              onChange={(e) => setOperationId(e.target.value)}
              disabled={pending.length === 0}
            >
              {pending.length === 0 ? <option value="">None pending</option> : null}
              {pending.map((op) => (
                <option key={op.id} value={op.id}>
                  {op.kind ?? 'operation'} {formatMoney(op.amount, op.currency)} ({op.id})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Gateway answer">
          {(props) => (
            <select {...props} value={outcome} onChange={(e) => setOutcome(e.target.value as 'succeeded' | 'failed')}>
              <option value="succeeded">Succeeded</option>
              <option value="failed">Failed</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={!canUse || pending.length === 0 || settle.isPending}>
          Settle operation
        </button>
      </form>
      <button type="button" className="secondary" disabled={!canUse || expire.isPending} onClick={() => expire.mutate()}>
        Expire capture window now
      </button>
    </section>
  );
}

/** An API call log entry of the timeline: method and route pattern, and the status it was answered with. */
function ApiCallTitle({ call }: { call: ApiCall }) {
  return (
    <strong>
      <Mono>
        {call.method} {call.route}
      </Mono>{' '}
      <Badge tone={call.status >= 500 ? 'bad' : call.status >= 400 ? 'warn' : 'good'}>{call.status}</Badge>
    </strong>
  );
}
