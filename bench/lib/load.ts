/**
 * Load drivers. Fixed concurrency (closed model): autocannon, N connections each sending its next
 * request when the previous answer arrives. Fixed rate (open model): requests start on a fixed
 * schedule whatever the answers do, and latency is measured from the scheduled start, so a slow
 * server is not hidden by the driver waiting for it (coordinated omission). autocannon's own
 * rate limit (overallRate) is not an open model: each connection sends its quota back to back at
 * the start of every second, then idles (lib/httpClient.js), so the fixed-rate driver is the
 * small one below, on node:http with keep-alive.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { defined } from './checks.js';

const HEALTH_BODY = '{"status":"ok"';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Answers 2xx. */
  ok: number;
  /** Answers other than 2xx, transport errors and timeouts. */
  failed: number;
  durationS: number;
  /** 2xx answers per second. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The first failure, to show what went wrong. */
  failureSample?: string;
  /** The generator ran out of requests (seeded orders) before the time was up. */
  exhausted: boolean;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = defined(sorted[lo], `sample ${lo}`);
  return low + (defined(sorted[hi], `sample ${hi}`) - low) * (rank - lo);
}

function summarize(
  latencies: number[],
  ok: number,
  failed: number,
  durationS: number,
  exhausted: boolean,
  failureSample?: string,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const s = Array.from(sorted);
  return {
    ok,
    failed,
    durationS,
    rps: durationS > 0 ? ok / durationS : 0,
    p50Ms: percentile(s, 50),
    p90Ms: percentile(s, 90),
    p99Ms: percentile(s, 99),
    maxMs: s.at(-1) ?? NaN,
    exhausted,
    ...(failureSample ? { failureSample } : {}),
  };
}

/**
 * `connections` connections for `durationS` seconds, or until `requests` answers when given (the
 * connections share them out, so all finish together); `next()` gives each request (undefined:
 * none left, stop).
 */
export function closedLoop(
  baseUrl: string,
  options: { connections: number; durationS: number; requests?: number; next: () => RequestSpec | undefined },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failureSample: string | undefined;
  let exhausted = false;
  let ok = 0;
  let filler = false;
  let instance: autocannon.Instance | undefined;
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  return new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url: baseUrl,
        connections: options.connections,
        duration: options.durationS,
        // autocannon ignores the duration when given an amount, and notices it is reached at its
        // next sample: every 50 ms rather than every second, so the run ends soon after its last answer.
        ...(options.requests === undefined ? {} : { amount: options.requests, sampleInt: 50 }),
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => {
              const spec = options.next();
              if (!spec) {
                if (!exhausted) {
                  exhausted = true;
                  setImmediate(() => instance?.stop());
                }
                return { ...request, method: 'GET', path: '/healthz', body: '' };
              }
              return { ...request, ...spec, body: spec.body ?? '' };
            },
            onResponse: (status, body) => {
              // After the generator ran dry, connections idle on /healthz until stop() lands: not counted.
              filler = body.startsWith(HEALTH_BODY);
              if (filler) return;
              lastAnswerAt = performance.now();
              if (status >= 200 && status < 300) ok++;
              else failureSample ??= `${status} ${body.slice(0, 300)}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        // autocannon's own duration runs to the sample that noticed the amount reached: a counted run ends with its last answer.
        const durationS = options.requests === undefined ? result.duration : (lastAnswerAt - startedAt) / 1000;
        resolve(summarize(latencies, ok, result.non2xx + result.errors + result.timeouts, durationS, exhausted, failureSample));
      },
    );
    // Emitted right after onResponse for the same answer.
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
      if (!filler && status >= 200 && status < 300) latencies.push(responseTimeMs);
    });
  });
}

/**
 * Requests started at `rate` per second for `durationS` seconds whatever the answers; latency is
 * measured from each request's scheduled start.
 */
export async function openLoop(
  baseUrl: string,
  options: { rate: number; durationS: number; next: () => RequestSpec | undefined; timeoutMs?: number },
): Promise<LoadResult & { targetRps: number; serviceP99Ms: number; latencies: number[] }> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 2048 });
  const interval = 1000 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const latencies: number[] = [];
  const service: number[] = [];
  let ok = 0;
  let failed = 0;
  let failureSample: string | undefined;
  let exhausted = false;
  const inflight = new Set<Promise<void>>();

  const fire = (intended: number) => {
    const spec = options.next();
    if (!spec) {
      exhausted = true;
      return;
    }
    const headers = { ...spec.headers, ...(spec.body !== undefined ? { 'content-length': String(Buffer.byteLength(spec.body)) } : {}) };
    const sent = performance.now();
    const done = new Promise<void>((resolve) => {
      const fail = (what: string) => {
        failed++;
        failureSample ??= what;
        resolve();
      };
      const req = httpRequest({ agent, host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 2000) body += chunk;
        });
        res.on('end', () => {
          const end = performance.now();
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(end - intended);
            service.push(end - sent);
            resolve();
          } else fail(`${status} ${body.slice(0, 300)}`);
        });
        res.on('error', (e) => {
          fail(e.message);
        });
      });
      req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        fail(e.message);
      });
      req.end(spec.body);
    });
    inflight.add(done);
    void done.then(() => inflight.delete(done));
  };

  const t0 = performance.now() + 10;
  let i = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const now = performance.now();
      while (i < total && !exhausted && t0 + i * interval <= now) fire(t0 + i++ * interval);
      if (i >= total || exhausted) {
        resolve();
        return;
      }
      setTimeout(pump, Math.max(0, t0 + i * interval - performance.now()));
    };
    pump();
  });
  const scheduleEnd = performance.now();
  await Promise.all([...inflight]);
  agent.destroy();
  const durationS = Math.max((scheduleEnd - t0) / 1000, 1e-3);
  const result = summarize(latencies, ok, failed, durationS, exhausted, failureSample);
  const sortedService = service.sort((a, b) => a - b);
  return { ...result, targetRps: options.rate, serviceP99Ms: percentile(sortedService, 99), latencies };
}

/** What one connection carries from step to step of a flow (its autocannon context). */
interface FlowContext {
  token?: string;
  /** The connection's flow number, set when its order is created. */
  n?: number;
  orderId?: string;
  authorized?: boolean;
}
const flow = (context: Record<string, unknown>): FlowContext => context;

/** The fields of the API's JSON answers a flow reads. */
interface FlowAnswer {
  access_token?: string;
  data?: { order_id?: string; status?: string };
}

/** A merchant's whole flow per connection, in a loop: token → create order → card payment → capture. */
export function flowLoop(
  baseUrl: string,
  options: { connections: number; durationS: number; clientId: string; clientSecret: string; amount: number; captureAmount: number },
): Promise<LoadResult & { flows: number; flowsPerS: number }> {
  let seq = 0;
  let flows = 0;
  let failureSample: string | undefined;
  const json = { 'content-type': 'application/json' };
  const note = (status: number, body: string) => {
    if ((status < 200 || status >= 300) && failureSample === undefined) failureSample = `${status} ${body.slice(0, 300)}`;
  };
  const parse = (body: string): FlowAnswer => {
    try {
      return JSON.parse(body) as FlowAnswer;
    } catch {
      return {};
    }
  };
  const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: baseUrl,
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/api/auth/v1/token',
            headers: json,
            body: JSON.stringify({ client_id: options.clientId, client_secret: options.clientSecret, grant_type: 'client_credentials' }),
            onResponse: (status, body, context) => {
              note(status, body);
              if (status === 200) flow(context).token = parse(body).access_token;
            },
          },
          {
            setupRequest: (request, context) => {
              const c = flow(context);
              if (!c.token) return undefined;
              c.n = seq++;
              return {
                ...request,
                method: 'POST',
                path: '/api/pay/v1/orders',
                headers: { ...json, authorization: `Bearer ${c.token}` },
                body: JSON.stringify({
                  merchant_order_reference: `flow-${tag}-${c.n}`,
                  order_amount: { value: options.amount, currency: 'INR' },
                  pre_auth: true,
                }),
              };
            },
            onResponse: (status, body, context) => {
              note(status, body);
              if (status === 200) flow(context).orderId = parse(body).data?.order_id;
            },
          },
          {
            setupRequest: (request, context) => {
              const c = flow(context);
              if (!c.orderId) return undefined;
              return {
                ...request,
                method: 'POST',
                path: `/api/pay/v1/orders/${c.orderId}/payments`,
                headers: { ...json, authorization: `Bearer ${String(c.token)}` },
                body: JSON.stringify({
                  payments: [
                    {
                      merchant_payment_reference: `flow-pay-${String(c.n)}`,
                      payment_method: 'CARD',
                      payment_amount: { value: options.amount, currency: 'INR' },
                      payment_option: {
                        card_details: {
                          name: 'Bench Holder',
                          card_number: '4111111111111111',
                          cvv: '123',
                          expiry_month: '12',
                          expiry_year: '2035',
                        },
                      },
                    },
                  ],
                }),
              };
            },
            onResponse: (status, body, context) => {
              note(status, body);
              flow(context).authorized = status === 200 && parse(body).data?.status === 'AUTHORIZED';
            },
          },
          {
            setupRequest: (request, context) => {
              const c = flow(context);
              if (!c.authorized) return undefined;
              return {
                ...request,
                method: 'PUT',
                path: `/api/pay/v1/orders/${String(c.orderId)}/capture`,
                headers: { ...json, authorization: `Bearer ${String(c.token)}` },
                body: JSON.stringify({
                  merchant_capture_reference: `flow-cap-${String(c.n)}`,
                  capture_amount: { value: options.captureAmount, currency: 'INR' },
                }),
              };
            },
            onResponse: (status, body) => {
              note(status, body);
              if (status === 200) flows++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const summary = summarize(
          latencies,
          result['2xx'],
          result.non2xx + result.errors + result.timeouts,
          result.duration,
          false,
          failureSample,
        );
        resolve({ ...summary, flows, flowsPerS: flows / result.duration });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
      if (status >= 200 && status < 300) latencies.push(responseTimeMs);
    });
  });
}
