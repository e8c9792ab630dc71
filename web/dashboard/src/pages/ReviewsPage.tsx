import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { Dialog, ErrorNote, Field, Loading, Mono, Pager, StatusBadge, SuccessNote } from '../components/ui';
import { formatMoney, formatTime } from '../format';
import { useMerchantName } from '../queries';
import { useCan } from '../session';
import type { OrderDetail, Review } from '../types';
import { usePaging } from '../usePaging';

export function ReviewsPage() {
  const paging = usePaging();
  const reviews = useQuery({
    queryKey: ['reviews', paging.cursor],
    queryFn: () => api.get<{ data: Review[]; next_cursor?: string | null }>('/reviews', { cursor: paging.cursor, limit: 25 }),
  });
  const merchantName = useMerchantName();
  const canResolve = useCan('support');
  const [resolving, setResolving] = useState<Review | null>(null);
  const [resolved, setResolved] = useState<string | null>(null);
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Manual review</h1>
      <p className="muted">
        Orders whose gateway answer was unclear. Confirm the outcome at the gateway, then record it here: Holdfast applies it as the
        gateway's own answer, exactly once.
      </p>
      {resolved ? <SuccessNote>Order {resolved} was resolved.</SuccessNote> : null}
      <ErrorNote error={reviews.error} />
      {reviews.isPending ? <Loading what="Loading the review queue" /> : null}
      {reviews.data ? (
        <div className="table-wrap">
          <table>
            <caption>Orders waiting for review, newest first (page {paging.page})</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Merchant</th>
                <th scope="col">State</th>
                <th scope="col">Reason</th>
                <th scope="col">Flagged (UTC)</th>
                <th scope="col">Operations</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {reviews.data.data.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    Nothing waits for review.
                  </td>
                </tr>
              ) : (
                reviews.data.data.map((review) => (
                  <tr key={review.order_id}>
                    <td>
                      <Link to="/orders/$orderId" params={{ orderId: review.order_id }}>
                        <Mono>{review.order_id}</Mono>
                      </Link>
                    </td>
                    <td>{merchantName(review.merchant_id)}</td>
                    <td>
                      <StatusBadge status={review.state} />
                    </td>
                    <td>{review.reason ?? '—'}</td>
                    <td>{formatTime(review.flagged_at)}</td>
                    <td>
                      <ul className="plain">
                        {review.operations.map((op) => (
                          <li key={op.id}>
                            {op.kind} {formatMoney(op.amount, op.currency)} <StatusBadge status={op.status} />
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {canResolve ? (
                        <button type="button" className="small" onClick={() => setResolving(review)}>
                          Resolve<span className="visually-hidden"> order {review.order_id}</span>
                        </button>
                      ) : (
                        <span className="muted">Support role needed</span>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      ) : null}
      {reviews.data ? (
        <Pager nextCursor={reviews.data.next_cursor} onNext={paging.next} onFirst={paging.first} isFirst={paging.page === 1} />
      ) : null}
      <Dialog title="Resolve a manual review" open={resolving !== null} onClose={() => setResolving(null)}>
        {resolving ? (
          <ResolveForm
            review={resolving}
            onDone={(orderId) => {
              setResolving(null);
              setResolved(orderId);
            }}
            onCancel={() => setResolving(null)}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

function ResolveForm({ review, onDone, onCancel }: { review: Review; onDone: (orderId: string) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const [operationId, setOperationId] = useState(review.operations[0]?.id ?? '');
  const [outcome, setOutcome] = useState<'succeeded' | 'failed' | ''>('');
  const [reason, setReason] = useState('');
  const [gatewayReference, setGatewayReference] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const resolve = useMutation({
    mutationFn: () =>
      api.post<OrderDetail>(`/reviews/${encodeURIComponent(review.order_id)}/resolve`, {
        operation_id: operationId,
        outcome,
        reason: reason.trim(),
        ...(gatewayReference.trim() ? { gateway_reference: gatewayReference.trim() } : {}),
      }),
    onSuccess: async (detail) => {
      queryClient.setQueryData(['order', review.order_id], detail);
      await queryClient.invalidateQueries({ queryKey: ['reviews'] });
      onDone(review.order_id);
    },
  });
  const reasonLength = reason.trim().length;
  const valid = operationId !== '' && outcome !== '' && reasonLength >= 10 && reasonLength <= 500 && confirmed;
  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (valid) resolve.mutate();
  }
  return (
    <form onSubmit={submit} className="stack">
      <p>
        Order <Mono>{review.order_id}</Mono>
      </p>
      <Field label="Operation">
        {(props) => (
          <select {...props} value={operationId} onChange={(e) => setOperationId(e.target.value)} required>
            {review.operations.map((op) => (
              <option key={op.id} value={op.id}>
                {op.kind} {formatMoney(op.amount, op.currency)} — {op.status}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset>
        <legend>Outcome confirmed at the gateway</legend>
        <div className="radio">
          <input
            type="radio"
            id="outcome-succeeded"
            name="outcome"
            value="succeeded"
            checked={outcome === 'succeeded'}
            onChange={() => setOutcome('succeeded')}
          />
          <label htmlFor="outcome-succeeded">Succeeded</label>
        </div>
        <div className="radio">
          <input
            type="radio"
            id="outcome-failed"
            name="outcome"
            value="failed"
            checked={outcome === 'failed'}
            onChange={() => setOutcome('failed')}
          />
          <label htmlFor="outcome-failed">Failed</label>
        </div>
      </fieldset>
      <Field label="Reason" hint={`Required, 10 to 500 characters (${reasonLength} now). Kept in the audit log.`}>
        {(props) => (
          <textarea
            {...props}
            rows={3}
            required
            minLength={10}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <Field label="Gateway reference (optional)">
        {(props) => <input {...props} value={gatewayReference} onChange={(e) => setGatewayReference(e.target.value)} />}
      </Field>
      <div className="field checkbox">
        <input id="resolve-confirm" type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <label htmlFor="resolve-confirm">I confirmed this outcome with the gateway; it cannot be undone.</label>
      </div>
      <ErrorNote error={resolve.error} />
      <div className="actions">
        <button type="submit" disabled={!valid || resolve.isPending}>
          Resolve order
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
