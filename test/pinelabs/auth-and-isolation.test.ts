import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { call, cardPayment, PineLabsClient, uniqueRef, type Reply } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const UNAUTHORIZED = { code: 'UNAUTHORIZED', message: 'Unauthorized' };
const ORDER_NOT_FOUND = { code: 'ORDER_NOT_FOUND', message: 'No order with specified order-id exists in the system' };

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact HS256 JWT signed with `key`, built by hand. */
function hs256(
  payload: Record<string, unknown>,
  key: Buffer | string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

function decodePayload(token: string): Record<string, unknown> {
  const middle = token.split('.')[1];
  assert.ok(middle, 'a JWT has three segments');
  return JSON.parse(Buffer.from(middle, 'base64url').toString('utf8'));
}

const login = (baseUrl: string, body: unknown) => call(baseUrl, 'POST', '/api/auth/v1/token', { body });

/**
 * Orders of one merchant in the states where each authenticated endpoint would act: a CREATED
 * order (payments), an AUTHORIZED one (capture, cancel), a captured one with a refund (refund,
 * reading the refund order).
 */
interface Fixture {
  created: { id: string; reference: string };
  authorized: string;
  captured: string;
  refundOrderId: string;
}

async function makeFixture(client: PineLabsClient): Promise<Fixture> {
  const reference = uniqueRef('fixture');
  const created = await client.createOrder(7000, { reference });
  assert.equal(created.status, 200);
  const authorized = await client.authorizedOrder(8000);
  const captured = await client.authorizedOrder(9000);
  assert.equal((await client.capture(captured, { merchant_capture_reference: 'fixture-capture' })).body.data.status, 'PROCESSED');
  const refund = await client.refund(captured, 1000);
  assert.equal(refund.status, 200);
  return { created: { id: created.body.data.order_id, reference }, authorized, captured, refundOrderId: refund.body.data.order_id };
}

/** Every authenticated Pine Labs endpoint, aimed at a fixture, with a body that would succeed. */
function endpoints(f: Fixture): { name: string; method: string; path: string; body?: unknown }[] {
  return [
    {
      name: 'create order',
      method: 'POST',
      path: '/api/pay/v1/orders',
      body: { merchant_order_reference: uniqueRef('unauth'), order_amount: { value: 100, currency: 'INR' }, pre_auth: true },
    },
    { name: 'get order', method: 'GET', path: `/api/pay/v1/orders/${f.authorized}` },
    { name: 'get order by reference', method: 'GET', path: `/api/pay/v1/orders/reference/${f.created.reference}` },
    { name: 'get refund order', method: 'GET', path: `/api/pay/v1/orders/${f.refundOrderId}` },
    {
      name: 'create payment',
      method: 'POST',
      path: `/api/pay/v1/orders/${f.created.id}/payments`,
      body: cardPayment(uniqueRef('pay'), 7000),
    },
    {
      name: 'capture (PUT)',
      method: 'PUT',
      path: `/api/pay/v1/orders/${f.authorized}/capture`,
      body: { merchant_capture_reference: uniqueRef('cap') },
    },
    {
      name: 'capture (POST)',
      method: 'POST',
      path: `/api/pay/v1/orders/${f.authorized}/capture`,
      body: { merchant_capture_reference: uniqueRef('cap') },
    },
    { name: 'cancel', method: 'PUT', path: `/api/pay/v1/orders/${f.authorized}/cancel` },
    {
      name: 'refund',
      method: 'POST',
      path: `/api/pay/v1/refunds/${f.captured}`,
      body: { merchant_order_reference: uniqueRef('rfd'), order_amount: { value: 1000, currency: 'INR' } },
    },
  ];
}

/** Everything any endpoint could have written, for "nothing changed". */
async function everything(server: TestServer, f: Fixture) {
  const counts: Record<string, unknown> = {};
  for (const table of ['orders', 'payments', 'captures', 'reversals', 'refunds', 'journal_entries', 'postings', 'request_keys']) {
    counts[table] = (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]?.n;
  }
  return {
    counts,
    created: await snapshot(server.db, f.created.id),
    authorized: await snapshot(server.db, f.authorized),
    captured: await snapshot(server.db, f.captured),
  };
}

/** Sends every endpoint with `authorization` (or none) and expects the Pine Labs 401 from each. */
async function expectAllUnauthorized(server: TestServer, f: Fixture, label: string, authorization: string | undefined): Promise<void> {
  const before = await everything(server, f);
  for (const e of endpoints(f)) {
    const reply = await call(server.baseUrl, e.method, e.path, {
      ...(e.body !== undefined ? { body: e.body } : {}),
      ...(authorization !== undefined ? { headers: { authorization } } : {}),
    });
    assert.equal(reply.status, 401, `${label}: ${e.name} → ${reply.status} ${JSON.stringify(reply.body)}`);
    assert.deepEqual(reply.body, UNAUTHORIZED, `${label}: ${e.name} body`);
  }
  assert.deepEqual(await everything(server, f), before, `${label}: nothing changed`);
}

describe('Pine Labs token endpoint', () => {
  let server: TestServer;
  let merchant: MerchantCredentials;
  let other: MerchantCredentials;
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Merchant A');
    other = await server.newMerchant('Merchant B');
  });
  after(() => server.close());

  it('good credentials → 200 {access_token, expires_at} about an hour ahead, and the token works', async () => {
    const reply = await login(server.baseUrl, {
      client_id: merchant.client_id,
      client_secret: merchant.client_secret,
      grant_type: 'client_credentials',
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body).sort(), ['access_token', 'expires_at']);
    assert.equal(reply.body.data, undefined, 'the token answer is not wrapped in data');
    assert.equal(typeof reply.body.access_token, 'string');
    assert.match(reply.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(reply.body.expires_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const expiresIn = Date.parse(reply.body.expires_at) - server.clock.now().getTime();
    assert.ok(Math.abs(expiresIn - 60 * 60 * 1000) <= 1000, `expires_at is one hour ahead (got ${expiresIn} ms)`);

    const created = await call(server.baseUrl, 'POST', '/api/pay/v1/orders', {
      token: reply.body.access_token,
      body: { merchant_order_reference: uniqueRef('tok'), order_amount: { value: 100, currency: 'INR' } },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.data.merchant_id, merchant.merchant_id);
  });

  it('a stale Authorization header does not stop a client from getting a new token', async () => {
    const reply = await call(server.baseUrl, 'POST', '/api/auth/v1/token', {
      headers: { authorization: 'Bearer expired.or.garbage' },
      body: { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' },
    });
    assert.equal(reply.status, 200);
    assert.equal(typeof reply.body.access_token, 'string');
  });

  const rejected: [string, () => unknown][] = [
    [
      'a wrong secret',
      () => ({ client_id: merchant.client_id, client_secret: `${merchant.client_secret}x`, grant_type: 'client_credentials' }),
    ],
    [
      'another merchant’s secret',
      () => ({ client_id: merchant.client_id, client_secret: other.client_secret, grant_type: 'client_credentials' }),
    ],
    [
      'an unknown client_id',
      () => ({
        client_id: '00000000-0000-4000-8000-000000000000',
        client_secret: merchant.client_secret,
        grant_type: 'client_credentials',
      }),
    ],
    ['the api_key as secret', () => ({ client_id: merchant.client_id, client_secret: merchant.api_key, grant_type: 'client_credentials' })],
  ];
  for (const [name, body] of rejected) {
    it(`${name} → 401 UNAUTHORIZED, no token`, async () => {
      const reply = await login(server.baseUrl, body());
      assert.equal(reply.status, 401, JSON.stringify(reply.body));
      assert.equal(reply.body.code, 'UNAUTHORIZED');
      assert.equal(typeof reply.body.message, 'string');
      assert.equal(reply.body.access_token, undefined);
    });
  }

  const invalid: [string, () => unknown, string | undefined][] = [
    ['no body fields', () => ({}), undefined],
    ['no client_id', () => ({ client_secret: merchant.client_secret, grant_type: 'client_credentials' }), 'client_id'],
    ['no client_secret', () => ({ client_id: merchant.client_id, grant_type: 'client_credentials' }), 'client_secret'],
    ['no grant_type', () => ({ client_id: merchant.client_id, client_secret: merchant.client_secret }), 'grant_type'],
    [
      'grant_type password',
      () => ({ client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'password' }),
      'grant_type',
    ],
    [
      'an empty client_secret',
      () => ({ client_id: merchant.client_id, client_secret: '', grant_type: 'client_credentials' }),
      'client_secret',
    ],
  ];
  for (const [name, body, field] of invalid) {
    it(`${name} → 400 INVALID_REQUEST${field ? ` naming ${field}` : ''}`, async () => {
      const reply = await login(server.baseUrl, body());
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.code, 'INVALID_REQUEST');
      assert.equal(reply.body.access_token, undefined);
      if (field) assert.match(reply.body.message, new RegExp(field));
    });
  }

  it('a body that is not JSON → 400 INVALID_REQUEST', async () => {
    const reply = await call(server.baseUrl, 'POST', '/api/auth/v1/token', {
      rawBody: '{"client_id":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'INVALID_REQUEST');
  });
});

describe('Pine Labs bearer authentication on every endpoint', () => {
  let server: TestServer;
  let merchantA: MerchantCredentials;
  let merchantB: MerchantCredentials;
  let client: PineLabsClient;
  let fixture: Fixture;
  before(async () => {
    server = await startTestServer();
    merchantA = await server.newMerchant('Merchant A');
    merchantB = await server.newMerchant('Merchant B');
    client = await PineLabsClient.login(server.baseUrl, merchantA);
    fixture = await makeFixture(client);
  });
  after(() => server.close());

  it('the genuine token carries the merchant as sub', () => {
    assert.equal(decodePayload(client.token).sub, merchantA.merchant_id);
  });

  it('no Authorization header → 401', () => expectAllUnauthorized(server, fixture, 'no header', undefined));
  it('"Bearer" with no token → 401', () => expectAllUnauthorized(server, fixture, 'bare Bearer', 'Bearer'));
  it('Bearer with garbage → 401', () => expectAllUnauthorized(server, fixture, 'garbage', 'Bearer not-a-token'));
  it('Bearer with three garbage segments → 401', () => expectAllUnauthorized(server, fixture, 'garbage segments', 'Bearer aaa.bbb.ccc'));
  it('Basic credentials → 401', () => expectAllUnauthorized(server, fixture, 'Basic', 'Basic xyz'));
  it('Basic with the merchant’s own client credentials → 401', () =>
    expectAllUnauthorized(
      server,
      fixture,
      'Basic client creds',
      `Basic ${Buffer.from(`${merchantA.client_id}:${merchantA.client_secret}`).toString('base64')}`,
    ));
  it('the token without the Bearer scheme → 401', () => expectAllUnauthorized(server, fixture, 'no scheme', client.token));

  it('a token whose signature was altered → 401', async () => {
    const [header, payload, signature] = client.token.split('.') as [string, string, string];
    const sig = Buffer.from(signature, 'base64url');
    sig[0] = sig[0]! ^ 0x01;
    await expectAllUnauthorized(server, fixture, 'altered signature', `Bearer ${header}.${payload}.${sig.toString('base64url')}`);
    await expectAllUnauthorized(server, fixture, 'no signature', `Bearer ${header}.${payload}.`);
  });

  it('a token whose payload was altered to another merchant → 401', async () => {
    const [header, , signature] = client.token.split('.') as [string, string, string];
    const payload = { ...decodePayload(client.token), sub: merchantB.merchant_id };
    await expectAllUnauthorized(server, fixture, 'altered payload', `Bearer ${header}.${b64url(payload)}.${signature}`);
    const extended = { ...decodePayload(client.token), exp: Math.floor(server.clock.now().getTime() / 1000) + 365 * 24 * 3600 };
    await expectAllUnauthorized(server, fixture, 'extended exp', `Bearer ${header}.${b64url(extended)}.${signature}`);
  });

  it('a well-formed HS256 token signed with another key → 401', async () => {
    const nowS = Math.floor(server.clock.now().getTime() / 1000);
    const forged = hs256({ sub: merchantA.merchant_id, iat: nowS, exp: nowS + 3600 }, randomBytes(32));
    await expectAllUnauthorized(server, fixture, 'other key', `Bearer ${forged}`);
    const emptyKey = hs256({ sub: merchantA.merchant_id, iat: nowS, exp: nowS + 3600 }, '');
    await expectAllUnauthorized(server, fixture, 'empty key', `Bearer ${emptyKey}`);
  });

  it('an unsigned token (alg none) → 401', async () => {
    const nowS = Math.floor(server.clock.now().getTime() / 1000);
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: merchantA.merchant_id, iat: nowS, exp: nowS + 3600 })}.`;
    await expectAllUnauthorized(server, fixture, 'alg none', `Bearer ${unsigned}`);
  });

  it('after all that, the genuine token still does everything (the endpoints above would have acted)', async () => {
    const before = await orderLedger(server.db, fixture.authorized);
    assert.deepEqual(before, { authorized: 8000, captured: 0, reversed: 0, refunded: 0, held: 8000, merchant: 0 });
    const byReference = await client.request('GET', `/api/pay/v1/orders/reference/${fixture.created.reference}`);
    assert.equal(byReference.status, 200);
    assert.equal(byReference.body.data.order_id, fixture.created.id);
    assert.equal((await client.getOrder(fixture.refundOrderId)).body.data.type, 'REFUND');
    assert.equal((await client.pay(fixture.created.id, 7000)).body.data.status, 'AUTHORIZED');
    assert.equal(
      (await client.capture(fixture.authorized, { merchant_capture_reference: 'after-auth-tests' })).body.data.status,
      'PROCESSED',
    );
    assert.equal((await client.refund(fixture.captured, 1000)).body.data.status, 'PROCESSED');
    await assertLedgerInvariants(server.db);
  });
});

describe('Pine Labs token expiry and restarts', () => {
  // A server of its own: this suite moves the clock.
  let server: TestServer;
  let merchant: MerchantCredentials;
  let client: PineLabsClient;
  let fixture: Fixture;
  const extraApps: App[] = [];
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant('Merchant A');
    client = await PineLabsClient.login(server.baseUrl, merchant);
    fixture = await makeFixture(client);
  });
  after(async () => {
    for (const app of extraApps) await app.close();
    await server.close();
  });

  /** Another Holdfast process on the same database (as after a restart, or a second replica). */
  async function anotherApp(): Promise<string> {
    const app = await createApp({ config: server.config, db: server.db, logger: pino({ level: 'silent' }) });
    extraApps.push(app);
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  it('a token issued by one instance is accepted by another on the same database, and back', async () => {
    const otherUrl = await anotherApp();
    const read = await call(otherUrl, 'GET', `/api/pay/v1/orders/${fixture.authorized}`, { token: client.token });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.data.status, 'AUTHORIZED');

    const fromOther = await PineLabsClient.login(otherUrl, merchant);
    const back = await call(server.baseUrl, 'GET', `/api/pay/v1/orders/${fixture.authorized}`, { token: fromOther.token });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.data.order_id, fixture.authorized);

    // A third instance, started after the second was stopped: the first token still works.
    await extraApps.pop()!.close();
    const restartedUrl = await anotherApp();
    assert.equal((await call(restartedUrl, 'GET', `/api/pay/v1/orders/${fixture.authorized}`, { token: client.token })).status, 200);
    assert.equal((await call(restartedUrl, 'GET', `/api/pay/v1/orders/${fixture.authorized}`, { token: fromOther.token })).status, 200);
  });

  it('a token is valid just before its hour is up and refused everywhere just after; a new login works', async () => {
    server.clock.advance(59 * 60 * 1000);
    assert.equal((await client.getOrder(fixture.authorized)).status, 200, 'still valid at 59 minutes');

    server.clock.advance(2 * 60 * 1000);
    await expectAllUnauthorized(server, fixture, 'expired token', `Bearer ${client.token}`);

    const fresh = await PineLabsClient.login(server.baseUrl, merchant);
    const read = await fresh.getOrder(fixture.authorized);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.status, 'AUTHORIZED');
    assert.equal((await fresh.cancel(fixture.authorized)).body.data.status, 'CANCELLED');
    await assertLedgerInvariants(server.db);
  });
});

describe('Pine Labs merchant isolation', () => {
  let server: TestServer;
  let clientA: PineLabsClient;
  let clientB: PineLabsClient;
  let fixture: Fixture;
  before(async () => {
    server = await startTestServer();
    clientA = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Merchant A'));
    clientB = await PineLabsClient.login(server.baseUrl, await server.newMerchant('Merchant B'));
    fixture = await makeFixture(clientA);
  });
  after(() => server.close());

  const expectNotFound = (reply: Reply, what: string) => {
    assert.equal(reply.status, 404, `${what} → ${reply.status} ${JSON.stringify(reply.body)}`);
    assert.deepEqual(reply.body, ORDER_NOT_FOUND, `${what} body`);
  };

  it('merchant B cannot read or change anything of merchant A: each answer is 404 ORDER_NOT_FOUND', async () => {
    const before = await everything(server, fixture);
    expectNotFound(await clientB.getOrder(fixture.authorized), 'get order');
    expectNotFound(await clientB.getOrder(fixture.created.id), 'get created order');
    expectNotFound(await clientB.request('GET', `/api/pay/v1/orders/reference/${fixture.created.reference}`), 'get by reference');
    expectNotFound(await clientB.getOrder(fixture.refundOrderId), 'get refund order');
    expectNotFound(await clientB.pay(fixture.created.id, 7000), 'payment');
    expectNotFound(await clientB.capture(fixture.authorized, { merchant_capture_reference: 'b-capture' }), 'capture (PUT)');
    expectNotFound(
      await clientB.request('POST', `/api/pay/v1/orders/${fixture.authorized}/capture`, { merchant_capture_reference: 'b-capture-post' }),
      'capture (POST)',
    );
    expectNotFound(await clientB.cancel(fixture.authorized), 'cancel');
    expectNotFound(await clientB.refund(fixture.captured, 1000), 'refund');
    expectNotFound(await clientB.refund(fixture.captured), 'full refund');
    assert.deepEqual(await everything(server, fixture), before, 'nothing of A changed');

    // The same calls by A do act, so the 404s above were about ownership.
    assert.equal((await clientA.pay(fixture.created.id, 7000)).body.data.status, 'AUTHORIZED');
    assert.equal((await clientA.cancel(fixture.authorized)).body.data.status, 'CANCELLED');
    assert.equal((await clientA.refund(fixture.captured, 1000)).body.data.status, 'PROCESSED');
    await assertLedgerInvariants(server.db);
  });

  it('an unknown order id answers exactly like another merchant’s', async () => {
    expectNotFound(await clientB.getOrder('v1-000000000000-aa-AAAAAA'), 'unknown id');
    expectNotFound(await clientB.request('GET', '/api/pay/v1/orders/reference/no-such-reference'), 'unknown reference');
  });

  it('both merchants may use the same merchant_order_reference independently', async () => {
    const reference = uniqueRef('shared');
    const a = await clientA.createOrder(1000, { reference });
    const b = await clientB.createOrder(2000, { reference });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.notEqual(a.body.data.order_id, b.body.data.order_id);
    assert.equal(b.body.data.order_amount.value, 2000);

    const readA = await clientA.request('GET', `/api/pay/v1/orders/reference/${reference}`);
    const readB = await clientB.request('GET', `/api/pay/v1/orders/reference/${reference}`);
    assert.equal(readA.body.data.order_id, a.body.data.order_id);
    assert.equal(readA.body.data.order_amount.value, 1000);
    assert.equal(readB.body.data.order_id, b.body.data.order_id);
    assert.equal(readB.body.data.order_amount.value, 2000);

    // Each order goes its own way.
    assert.equal((await clientB.pay(b.body.data.order_id, 2000)).body.data.status, 'AUTHORIZED');
    assert.equal((await clientA.getOrder(a.body.data.order_id)).body.data.status, 'CREATED');
    // And an identical replay by A still returns A's order, not B's.
    const replay = await clientA.createOrder(1000, { reference });
    assert.equal(replay.status, 200);
    assert.equal(replay.body.data.order_id, a.body.data.order_id);
  });

  it('the same Request-ID from two merchants is two requests', async () => {
    const requestId = `req-${randomBytes(8).toString('hex')}`;
    const body = (value: number) => ({
      merchant_order_reference: uniqueRef('rid'),
      order_amount: { value, currency: 'INR' },
      pre_auth: true,
    });
    const a = await clientA.request('POST', '/api/pay/v1/orders', body(1100), { 'Request-ID': requestId });
    const b = await clientB.request('POST', '/api/pay/v1/orders', body(2200), { 'Request-ID': requestId });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.notEqual(b.body.data.order_id, a.body.data.order_id);
    assert.equal(b.body.data.order_amount.value, 2200);
    expectNotFound(await clientB.getOrder(a.body.data.order_id), 'A’s order by B');
  });
});
