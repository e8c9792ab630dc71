import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api } from '../api';
import { ErrorNote, Item, Loading, Mono, SuccessNote } from '../components/ui';
import { formatTime } from '../format';
import { useMerchantName } from '../queries';
import { useCan } from '../session';
import type { WebhookEventDetail } from '../types';
import { AttemptsTable } from './OrderPage';
import { eventStatus } from './WebhooksPage';

const route = getRouteApi('/webhooks/$eventId');

export function WebhookPage() {
  const { eventId } = route.useParams();
  const queryClient = useQueryClient();
  const canReplay = useCan('support');
  const merchantName = useMerchantName();
  const event = useQuery({
    queryKey: ['webhook-event', eventId],
    queryFn: () => api.get<WebhookEventDetail>(`/webhooks/events/${encodeURIComponent(eventId)}`),
  });
  const replay = useMutation({
    mutationFn: () => api.post(`/webhooks/events/${encodeURIComponent(eventId)}/replay`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhook-event', eventId] }),
  });
  if (event.isPending) return <Loading what="Loading the event" />;
  const data = event.data;
  return (
    <article aria-labelledby="event-title" className="stack-lg">
      <p className="crumbs">
        <Link to="/webhooks">Webhook events</Link> <span aria-hidden="true">›</span> {eventId}
      </p>
      <h1 id="event-title">
        Webhook event{' '}
        {data ? (
          <>
            {data.event_type} {eventStatus(data)}
          </>
        ) : null}
      </h1>
      <ErrorNote error={event.error} />
      {data ? (
        <>
          <section className="card" aria-labelledby="event-summary">
            <h2 id="event-summary">Summary</h2>
            <dl className="facts columns">
              <Item term="Event id">
                <Mono>{data.id}</Mono>
              </Item>
              <Item term="Merchant">
                <Link to="/merchants/$merchantId" params={{ merchantId: data.merchant_id }}>
                  {merchantName(data.merchant_id)}
                </Link>
              </Item>
              <Item term="Order">
                {data.order_id ? (
                  <Link to="/orders/$orderId" params={{ orderId: data.order_id }}>
                    <Mono>{data.order_id}</Mono>
                  </Link>
                ) : (
                  '—'
                )}
              </Item>
              <Item term="Dialect">{data.dialect}</Item>
              <Item term="Created">{formatTime(data.created_at)}</Item>
              <Item term="Delivered">{formatTime(data.delivered_at)}</Item>
              <Item term="Gave up">{formatTime(data.gave_up_at)}</Item>
              <Item term="Attempts">{data.attempts_count}</Item>
            </dl>
            <ErrorNote error={replay.error} />
            {replay.isSuccess ? <SuccessNote>Replay queued: the event is delivered again under the same id.</SuccessNote> : null}
            {canReplay ? (
              <button type="button" disabled={replay.isPending} onClick={() => replay.mutate()}>
                Replay event
              </button>
            ) : null}
          </section>
          <section className="card" aria-labelledby="attempts-title">
            <h2 id="attempts-title">Attempts</h2>
            <AttemptsTable attempts={data.attempts} caption="Delivery attempts" />
          </section>
          <section className="card" aria-labelledby="payload-title">
            <h2 id="payload-title">Payload</h2>
            <pre className="payload" tabIndex={0} aria-label="Event payload">
              {JSON.stringify(data.payload, null, 2)}
            </pre>
          </section>
        </>
      ) : null}
    </article>
  );
}
