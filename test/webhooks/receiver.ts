import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** mulberry32: a tiny seeded PRNG, so a "random" failure pattern is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Verifies a delivery with the standardwebhooks package as a receiver whose clock reads `now`
 * would (the package checks the timestamp against Date.now(), with 5 minutes' tolerance; tests
 * move a clock of their own). Throws WebhookVerificationError on a bad signature.
 */
export function verifyAt(secret: string, body: string, headers: IncomingHttpHeaders | Record<string, string>, now: Date): unknown {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') flat[name] = value;
  const realNow = Date.now;
  Date.now = () => now.getTime();
  try {
    return new Webhook(secret).verify(body, flat);
  } finally {
    Date.now = realNow;
  }
}

/**
 * What happened to one request: processed (new id, answered 200), duplicate (id seen before,
 * dropped, answered 200), failed (500 before processing), *-lost (socket destroyed after the
 * receiver did its part, so the sender never learns it), rejected (bad signature, 400),
 * unavailable (503 while in maintenance).
 */
export type Outcome = 'processed' | 'duplicate' | 'failed' | 'processed-lost' | 'duplicate-lost' | 'rejected' | 'unavailable';

export interface ReceivedRequest {
  n: number;
  path: string;
  /** The webhook-id header. */
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The receiver's clock when the request arrived. */
  at: Date;
  outcome: Outcome;
  /** What the receiver answered (null: no answer, the socket was destroyed). */
  status: number | null;
  /** The answer's body. */
  answer: string | null;
  signatureError?: string;
}

export interface ReceiverOptions {
  /** Share of requests that fail (half as 500 before processing, half as a destroyed socket after) (Default: 0). */
  failureRate?: number;
  seed?: number;
  /** The receiver's clock, for the signature's timestamp tolerance (Default: the real time). */
  now?: () => Date;
  /** The Standard Webhooks secret expected on a path; undefined: signatures are not checked there. */
  secretFor?: (path: string) => string | undefined;
  /** Runs before the receiver answers a request it processed (or dropped as a duplicate). */
  beforeAnswer?: (request: ReceivedRequest) => Promise<void>;
  /** Body of the 500 answers (Default: 2000 characters, longer than the stored excerpt). */
  failureBody?: string;
  /** While true, every request is answered 503 (the endpoint is up but in maintenance). */
  unavailable?: () => boolean;
}

/**
 * A merchant's webhook endpoint on 127.0.0.1: records every request, verifies signatures, drops
 * duplicates by webhook-id, fails a seeded share of requests, and can be taken down (port closed)
 * and brought back on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** The first processed request of each webhook-id: what the merchant's system acted on, once. */
  readonly processed = new Map<string, ReceivedRequest>();
  readonly failureBody: string;
  private readonly random: () => number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly options: ReceiverOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.failureBody = options.failureBody ?? `receiver failure ${'x'.repeat(1980)}`;
  }

  get url(): string {
    if (this.port === 0) throw new Error('receiver never started');
    return `http://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Listens (on a random port the first time, on the same port afterwards). */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Down: the port is closed and open connections are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    server.closeAllConnections();
    await closed;
  }

  /** Requests for one webhook-id, in arrival order. */
  requestsFor(id: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.id === id);
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const at = this.options.now?.() ?? new Date();
    const request: ReceivedRequest = {
      n: this.requests.length,
      path: req.url ?? '',
      id: String(req.headers['webhook-id'] ?? ''),
      headers: req.headers,
      body,
      at,
      outcome: 'processed',
      status: 200,
      answer: null,
    };
    this.requests.push(request);
    const answer = (status: number, text: string) => {
      request.status = status;
      request.answer = text;
      // A connection per request: no keep-alive socket the receiver may close while the sender reuses it.
      res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text);
    };

    if (this.options.unavailable?.()) {
      request.outcome = 'unavailable';
      answer(503, 'maintenance');
      return;
    }
    const secret = this.options.secretFor?.(request.path);
    if (secret !== undefined) {
      try {
        verifyAt(secret, body, req.headers, at);
      } catch (error) {
        request.outcome = 'rejected';
        request.signatureError = error instanceof Error ? error.message : String(error);
        answer(400, 'bad signature');
        return;
      }
    }

    const failureRate = this.options.failureRate ?? 0;
    const roll = this.random();
    if (roll < failureRate / 2) {
      request.outcome = 'failed';
      answer(500, this.failureBody);
      return;
    }
    const duplicate = this.processed.has(request.id);
    if (!duplicate) this.processed.set(request.id, request);
    await this.options.beforeAnswer?.(request);
    if (roll < failureRate) {
      // Processed (or dropped as a duplicate), but the answer never reaches the sender.
      request.outcome = duplicate ? 'duplicate-lost' : 'processed-lost';
      request.status = null;
      req.socket.destroy();
      return;
    }
    request.outcome = duplicate ? 'duplicate' : 'processed';
    answer(200, duplicate ? `duplicate ${request.id} dropped` : `ok ${request.id}`);
  }
}
