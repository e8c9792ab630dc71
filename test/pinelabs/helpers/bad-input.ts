/**
 * Shared by the test/pinelabs/bad-input-*.test.ts files: the Pine Labs error-shape checks, the
 * endpoints aimed at a fixture of orders, and a snapshot of everything a malformed request could
 * have changed. Bad input must get a clear error in Pine Labs' own error shape (field named,
 * limit stated) and change nothing; no request, however malformed, may produce a 5xx or put a
 * stack trace in a body.
 */
import assert from 'node:assert/strict';
import type { MerchantCredentials } from '../../../src/core/merchants.js';
import { snapshot } from '../../helpers/ledger-check.js';
import { call, cardPayment, PineLabsClient, uniqueRef, type Reply } from '../../helpers/pinelabs-client.js';
import type { TestServer } from '../../helpers/test-server.js';

/** Every error code of the Pine Labs error catalogue. */
export const PINE_LABS_CODES = new Set([
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'ORDER_NOT_FOUND',
  'DUPLICATE_REQUEST',
  'OPERATION_NOT_ALLOWED',
  'ORDER_CANCELLED',
  'PAYMENT_METHOD_NOT_ENABLED',
  'PAYMENT_NOT_AUTHORIZED',
  'PAYMENT_PENDING',
  'PAYMENT_EXPIRED',
  'PAYMENT_DECLINED',
  'INSUFFICIENT_FUNDS',
  'AMOUNT_LIMIT_EXCEEDED',
  'RISK_CHECK_FAILED',
  'ISSUER_NOT_SUPPORTED',
  'INVALID_INSTRUMENT',
  'INVALID_CARDHOLDER',
  'CARD_VERIFICATION_FAILED',
  'CARD_NOT_ALLOWED',
  'CARD_STOLEN',
  'CARD_LOST',
  'CARD_EXPIRED',
  'CARD_NOT_ENROLLED',
  'USER_AUTHENTICATION_FAILED',
  'USER_AUTHENTICATION_REQUIRED',
  'HOTLISTED_USER',
  'INVALID_USER_ACCOUNT',
  'PAYMENT_RATE_LIMIT',
  'API_RATE_LIMIT',
]);

/** Nothing of the server's insides: no stack frames, source paths, dependency names or JS error class names. */
export function assertNoInternals(reply: Reply, label: string): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
  assert.doesNotMatch(text, /(^|\\n|\n)\s*at\s/, `${label}: no stack frame lines`);
  assert.doesNotMatch(text, /\bat\s+\S+\s+\(/, `${label}: no "at fn (" frames`);
  assert.doesNotMatch(text, /\.(ts|js|mjs|cjs):\d+/, `${label}: no source locations`);
  for (const leak of [
    '/work/',
    'node_modules',
    'file://',
    'TypeError',
    'RangeError',
    'ReferenceError',
    'DatabaseError',
    'pglite',
    'postgres',
  ]) {
    assert.ok(!text.includes(leak), `${label}: body mentions ${leak}: ${text.slice(0, 300)}`);
  }
}

/** A 4xx (never a 5xx) with nothing internal in it. */
export function assertClientError(reply: Reply, label: string): void {
  // JSON.stringify answers undefined for an undefined body, which its type does not say.
  const body = JSON.stringify(reply.body) as string | undefined;
  assert.ok(reply.status >= 400 && reply.status < 500, `${label}: status ${reply.status} is a 4xx (body: ${body?.slice(0, 300)})`);
  assertNoInternals(reply, label);
}

/** A 4xx in Pine Labs' error shape: JSON `{code, message}` (+ optional `additional_error_details`), code from the catalogue. */
export function assertPineLabsError(reply: Reply, label: string, expected: { status?: number; code?: string; says?: RegExp[] } = {}): void {
  assertClientError(reply, label);
  if (expected.status !== undefined) assert.equal(reply.status, expected.status, `${label}: status (body: ${JSON.stringify(reply.body)})`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/, `${label}: JSON content type`);
  assert.ok(reply.body !== null && typeof reply.body === 'object' && !Array.isArray(reply.body), `${label}: the body is a JSON object`);
  for (const key of Object.keys(reply.body)) {
    assert.ok(
      ['code', 'message', 'additional_error_details'].includes(key),
      `${label}: unexpected key "${key}" in ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  }
  assert.ok(PINE_LABS_CODES.has(reply.body.code), `${label}: code ${JSON.stringify(reply.body.code)} is a Pine Labs error code`);
  assert.equal(typeof reply.body.message, 'string', `${label}: message is a string`);
  assert.ok(reply.body.message.length > 0, `${label}: message is not empty`);
  if (expected.code !== undefined) assert.equal(reply.body.code, expected.code, `${label}: code (message: ${reply.body.message})`);
  for (const pattern of expected.says ?? []) assert.match(reply.body.message, pattern, `${label}: message`);
}

export const JSON_TYPE = { 'content-type': 'application/json' };

/** `depth` nested objects around a small array: `{"a":{"a":…[1,"x",null]…}}`. */
export const deep = (depth: number) => '{"a":'.repeat(depth) + '[1,"x",null]' + '}'.repeat(depth);

export interface Target {
  merchant: MerchantCredentials;
  client: PineLabsClient;
  /** A pre_auth order in CREATED (payments go here; a cancel of it is refused). */
  created: string;
  createdReference: string;
  /** A pre_auth order in AUTHORIZED (captures go here). */
  authorized: string;
  /** A captured order (refunds go here). */
  captured: string;
}

/** A new merchant with one order in each of CREATED, AUTHORIZED and captured (PROCESSED). */
export async function newTarget(server: TestServer): Promise<Target> {
  const merchant = await server.newMerchant();
  const client = await PineLabsClient.login(server.baseUrl, merchant);
  const createdReference = uniqueRef('fixture');
  const created = (await client.createOrder(10000, { reference: createdReference })).body.data.order_id;
  const authorized = await client.authorizedOrder(10000);
  const captured = await client.authorizedOrder(10000);
  assert.equal((await client.capture(captured, { merchant_capture_reference: 'fixture' })).status, 200);
  return { merchant, client, created, createdReference, authorized, captured };
}

export interface Endpoint {
  name: string;
  method: string;
  /** The path aimed at the fixture, or with `id` in place of the order id / reference. */
  path(id?: string): string;
  /** A body that would be accepted (undefined: the endpoint takes none). */
  validBody?: () => unknown;
  /** False for the GET endpoints, which take no body. */
  takesBody: boolean;
  /** Whether the path holds an order id or reference. */
  hasId: boolean;
}

export const TOKEN = 'POST /api/auth/v1/token';
export const CREATE_ORDER = 'POST /api/pay/v1/orders';
export const GET_ORDER = 'GET /api/pay/v1/orders/:id';
export const GET_BY_REFERENCE = 'GET /api/pay/v1/orders/reference/:ref';
export const PAY = 'POST /api/pay/v1/orders/:id/payments';
export const CAPTURE = 'PUT /api/pay/v1/orders/:id/capture';
export const CANCEL = 'PUT /api/pay/v1/orders/:id/cancel';
export const REFUND = 'POST /api/pay/v1/refunds/:id';

export function endpointsFor(t: Target): Endpoint[] {
  return [
    {
      name: TOKEN,
      method: 'POST',
      path: () => '/api/auth/v1/token',
      validBody: () => ({ client_id: t.merchant.client_id, client_secret: t.merchant.client_secret, grant_type: 'client_credentials' }),
      takesBody: true,
      hasId: false,
    },
    {
      name: CREATE_ORDER,
      method: 'POST',
      path: () => '/api/pay/v1/orders',
      validBody: () => ({ merchant_order_reference: uniqueRef('bad'), order_amount: { value: 100, currency: 'INR' }, pre_auth: true }),
      takesBody: true,
      hasId: false,
    },
    {
      name: GET_ORDER,
      method: 'GET',
      path: (id = t.authorized) => `/api/pay/v1/orders/${id}`,
      takesBody: false,
      hasId: true,
    },
    {
      name: GET_BY_REFERENCE,
      method: 'GET',
      path: (id = t.createdReference) => `/api/pay/v1/orders/reference/${id}`,
      takesBody: false,
      hasId: true,
    },
    {
      name: PAY,
      method: 'POST',
      path: (id = t.created) => `/api/pay/v1/orders/${id}/payments`,
      validBody: () => cardPayment(uniqueRef('pay'), 10000),
      takesBody: true,
      hasId: true,
    },
    {
      name: CAPTURE,
      method: 'PUT',
      path: (id = t.authorized) => `/api/pay/v1/orders/${id}/capture`,
      validBody: () => ({ merchant_capture_reference: uniqueRef('cap'), capture_amount: { value: 100, currency: 'INR' } }),
      takesBody: true,
      hasId: true,
    },
    // The cancel takes no body; aimed at a CREATED order it is refused whatever is sent.
    {
      name: CANCEL,
      method: 'PUT',
      path: (id = t.created) => `/api/pay/v1/orders/${id}/cancel`,
      takesBody: true,
      hasId: true,
    },
    {
      name: REFUND,
      method: 'POST',
      path: (id = t.captured) => `/api/pay/v1/refunds/${id}`,
      validBody: () => ({ merchant_order_reference: uniqueRef('rfd'), order_amount: { value: 100, currency: 'INR' } }),
      takesBody: true,
      hasId: true,
    },
  ];
}

/** The endpoint named `name` (one of the constants above). */
export function endpoint(endpoints: Endpoint[], name: string): Endpoint {
  const found = endpoints.find((e) => e.name === name);
  assert.ok(found, `no endpoint ${name}`);
  return found;
}

export interface SendOptions {
  id?: string;
  rawBody?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request to `e`, with the fixture merchant's bearer token. */
export function send(server: TestServer, t: Target, e: Endpoint, options: SendOptions = {}): Promise<Reply> {
  return call(server.baseUrl, e.method, e.path(options.id), {
    token: t.client.token,
    ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** Everything malformed requests could have changed: every table's row count and the fixture orders. */
export async function state(server: TestServer, t: Pick<Target, 'created' | 'authorized' | 'captured'>): Promise<unknown> {
  const counts: Record<string, unknown> = {};
  for (const table of ['orders', 'payments', 'captures', 'reversals', 'refunds', 'journal_entries', 'postings', 'request_keys']) {
    counts[table] = (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
  }
  return {
    counts,
    created: await snapshot(server.db, t.created),
    authorized: await snapshot(server.db, t.authorized),
    captured: await snapshot(server.db, t.captured),
  };
}

/** A small deterministic PRNG, so a failing fuzz case replays exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
