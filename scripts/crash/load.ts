/**
 * The mixed load of the crash-safety runs: orders, payments (approving, declining and slow test
 * cards), partial and full captures, cancels and refunds through the Pine Labs dialect. Every 2xx
 * is an acknowledgement the checks later look for in the database.
 *
 * With `retry`, each call carries a Request-ID and is sent again with the same id and body after a
 * 503 (after its Retry-After) or no answer, as a careful merchant does: the outcome of the first
 * may be unknown, and idempotency must make the retry safe.
 */
import { randomUUID } from 'node:crypto';
import { defined, sleep, type Merchant } from './harness.js';

/** The fields of the API's JSON answers the load reads; a 200 answer has them. */
interface ApiAnswer {
  access_token: string;
  data: { order_id: string; status: string };
}

export interface Ack {
  kind: 'order' | 'payment' | 'capture' | 'cancel' | 'refund';
  orderId: string;
  reference?: string;
}

export interface LoadCounts {
  /** HTTP requests sent (each retry counts). */
  requests: number;
  answered2xx: number;
  answered503: number;
  /** Answers other than 2xx and 503, by status. */
  answeredOther: Record<string, number>;
  /** Requests that got no answer within the client's timeout (or a refused connection). */
  withoutAnswer: number;
  /** Requests sent again after a 503 or no answer. */
  retries: number;
  /** 5xx bodies that looked like a stack trace or named an internal error. */
  leakyErrorBodies: number;
  /** The longest a request waited for its answer (ms). */
  slowestAnswerMs: number;
}

export interface LoadOptions {
  api: string;
  merchant: Merchant;
  random: () => number;
  retry: boolean;
  /** How long the client waits for one answer (Default: 5 s). */
  requestTimeoutMs?: number;
  /** How long one call keeps being retried (Default: 30 s). */
  retryForMs?: number;
}

const CARDS = [
  '4111111111111111',
  '5555555555554444',
  '4111111111111111',
  '4000000000000077',
  '4000000000000093',
  '4000000000000101',
  '4000000000000119',
  '4000000000000127',
  '4000000000000002',
];
const LEAK = /\bat .+:\d+:\d+|ECONN|Connection terminated|timeout exceeded|stack/i;

export function mixedLoad(options: LoadOptions) {
  const { api, merchant, random } = options;
  const pick = <T>(items: readonly T[]): T => defined(items[Math.floor(random() * items.length)], 'a pick from an empty list');
  const acks: Ack[] = [];
  const counts: LoadCounts = {
    requests: 0,
    answered2xx: 0,
    answered503: 0,
    answeredOther: {},
    withoutAnswer: 0,
    retries: 0,
    leakyErrorBodies: 0,
    slowestAnswerMs: 0,
  };
  let token = '';

  const send = async (method: string, path: string, body: unknown, requestId: string | undefined) => {
    counts.requests += 1;
    const started = performance.now();
    try {
      const response = await fetch(api + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(requestId ? { 'request-id': requestId } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 5000),
      });
      const text = await response.text();
      counts.slowestAnswerMs = Math.max(counts.slowestAnswerMs, Math.round(performance.now() - started));
      if (response.status >= 200 && response.status < 300) counts.answered2xx += 1;
      else if (response.status === 503) counts.answered503 += 1;
      else counts.answeredOther[response.status] = (counts.answeredOther[response.status] ?? 0) + 1;
      if (response.status >= 500 && LEAK.test(text)) counts.leakyErrorBodies += 1;
      return {
        status: response.status,
        retryAfterMs: Number(response.headers.get('retry-after') ?? 1) * 1000,
        body: response.status < 300 ? (JSON.parse(text) as ApiAnswer) : undefined,
      };
    } catch {
      counts.withoutAnswer += 1;
      return { status: 0, retryAfterMs: 1000, body: undefined };
    }
  };

  /** One call; with `retry`, sent again under the same Request-ID until it is answered other than 503. */
  const call = async (method: string, path: string, body?: unknown) => {
    const requestId = options.retry ? randomUUID() : undefined;
    const giveUpAt = Date.now() + (options.retryForMs ?? 30_000);
    for (;;) {
      const reply = await send(method, path, body, requestId);
      if (!options.retry || (reply.status !== 503 && reply.status !== 0) || Date.now() > giveUpAt) return reply;
      counts.retries += 1;
      await sleep(Math.min(Math.max(reply.retryAfterMs, 250), 2000));
    }
  };

  let sequence = 0;
  const flow = async () => {
    const ref = `c${Date.now().toString(36)}${(sequence++).toString(36)}`;
    const amount = 1000 + Math.floor(random() * 19000);
    const order = await call('POST', '/api/pay/v1/orders', {
      merchant_order_reference: ref,
      order_amount: { value: amount, currency: 'INR' },
      pre_auth: true,
    });
    if (order.status !== 200 || !order.body) return;
    const orderId = order.body.data.order_id;
    acks.push({ kind: 'order', orderId });
    const payment = await call('POST', `/api/pay/v1/orders/${orderId}/payments`, {
      payments: [
        {
          merchant_payment_reference: `${ref}p`,
          payment_method: 'CARD',
          payment_amount: { value: amount, currency: 'INR' },
          payment_option: { card_details: { card_number: pick(CARDS), cvv: '123', expiry_month: '12', expiry_year: '2034' } },
        },
      ],
    });
    if (payment.status !== 200) return;
    acks.push({ kind: 'payment', orderId, reference: `${ref}p` });
    if (payment.body?.data.status !== 'AUTHORIZED') return;
    const action = pick(['partial', 'full', 'cancel', 'refund', 'refund']);
    if (action === 'cancel') {
      const cancel = await call('PUT', `/api/pay/v1/orders/${orderId}/cancel`);
      if (cancel.status === 200) acks.push({ kind: 'cancel', orderId });
      return;
    }
    const captureAmount = action === 'full' ? amount : Math.max(100, Math.floor(amount * (0.3 + random() * 0.6)));
    const capture = await call('PUT', `/api/pay/v1/orders/${orderId}/capture`, {
      merchant_capture_reference: `${ref}c`,
      capture_amount: { value: captureAmount, currency: 'INR' },
    });
    if (capture.status !== 200) return;
    acks.push({ kind: 'capture', orderId, reference: `${ref}c` });
    if (action !== 'refund' || capture.body?.data.status !== 'PROCESSED') return;
    const refund = await call('POST', `/api/pay/v1/refunds/${orderId}`, {
      merchant_order_reference: `${ref}r`,
      order_amount: { value: Math.max(100, Math.floor(captureAmount / 2)), currency: 'INR' },
    });
    if (refund.status === 200) acks.push({ kind: 'refund', orderId, reference: `${ref}r` });
  };

  return {
    acks,
    counts,
    async login() {
      const reply = await send(
        'POST',
        '/api/auth/v1/token',
        { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' },
        undefined,
      );
      if (reply.status === 200 && reply.body) token = reply.body.access_token;
    },
    /** Runs `workers` flows at a time until `stop()` says so; resolves when the last flow has ended. */
    run(workers: number, stopped: () => boolean): Promise<void> {
      return Promise.all(
        Array.from({ length: workers }, async () => {
          while (!stopped()) await flow();
        }),
      ).then(() => undefined);
    },
  };
}
