import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  assertPineLabsError,
  CANCEL,
  CAPTURE,
  CREATE_ORDER,
  deep,
  endpoint,
  endpointsFor,
  JSON_TYPE,
  newTarget,
  send,
  state,
  type Endpoint,
  type SendOptions,
  type Target,
} from './helpers/bad-input.js';

/**
 * Malformed bodies to every Pine Labs endpoint that takes one: each answer is a 4xx in Pine Labs'
 * error shape with nothing of the server's internals in it, and nothing is stored. Each test gets
 * a merchant and orders of its own (beforeEach).
 */
describe('Pine Labs: malformed bodies → 4xx in Pine Labs shape, nothing changed', () => {
  let server: TestServer;
  let t: Target;
  let endpoints: Endpoint[];
  let before_: unknown;

  before(async () => {
    server = await startTestServer();
  });
  beforeEach(async () => {
    t = await newTarget(server);
    endpoints = endpointsFor(t);
    before_ = await state(server, t);
  });
  after(() => server.close());

  const request = (e: Endpoint, options: SendOptions = {}) => send(server, t, e, options);

  const rawBodies: Array<{ name: string; rawBody: string; headers: Record<string, string> }> = [
    { name: 'invalid JSON', rawBody: '{"merchant_order_reference": "x", ', headers: JSON_TYPE },
    { name: 'invalid JSON (single quotes)', rawBody: "{'a': 1}", headers: JSON_TYPE },
    { name: 'invalid JSON (trailing garbage)', rawBody: '{"a":1} trailing', headers: JSON_TYPE },
    { name: 'JSON null', rawBody: 'null', headers: JSON_TYPE },
    { name: 'JSON []', rawBody: '[]', headers: JSON_TYPE },
    { name: 'JSON [{}]', rawBody: '[{}]', headers: JSON_TYPE },
    { name: 'a JSON number', rawBody: '42', headers: JSON_TYPE },
    { name: 'a JSON string', rawBody: '"hello"', headers: JSON_TYPE },
    { name: 'JSON true', rawBody: 'true', headers: JSON_TYPE },
    { name: 'an empty object', rawBody: '{}', headers: JSON_TYPE },
    { name: 'deeply nested junk (200 levels)', rawBody: deep(200), headers: JSON_TYPE },
    {
      name: 'a wide object (5000 keys)',
      rawBody: JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))),
      headers: JSON_TYPE,
    },
    {
      name: 'unicode and control characters',
      rawBody: JSON.stringify({ '\u202e': '\u0007\u001b[2J\u007f', '😀': ['\ufeff\u2028漢字'], 'é\u0301': { '\u0001': '\u001f' } }),
      headers: JSON_TYPE,
    },
    {
      name: '__proto__ and constructor.prototype',
      rawBody: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      headers: JSON_TYPE,
    },
    {
      name: 'valid-looking JSON as text/plain',
      rawBody: '{"merchant_order_reference":"x","order_amount":{"value":100,"currency":"INR"}}',
      headers: { 'content-type': 'text/plain' },
    },
    { name: 'an XML body', rawBody: '<order><amount>100</amount></order>', headers: { 'content-type': 'application/xml' } },
    {
      name: 'a form body',
      rawBody: 'merchant_order_reference=x&order_amount=100',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    { name: 'a body over 256 KiB', rawBody: JSON.stringify({ notes: 'x'.repeat(260 * 1024) }), headers: JSON_TYPE },
  ];

  for (const { name, rawBody, headers } of rawBodies) {
    it(`${name} → 4xx, Pine Labs shape, nothing stored (every endpoint that takes a body)`, async () => {
      for (const e of endpoints.filter((x) => x.takesBody)) {
        const reply = await request(e, { rawBody, headers });
        assertPineLabsError(reply, `${e.name} with ${name}`);
        if (name.startsWith('a body over')) assert.equal(reply.status, 413, `${e.name}: 413 for an oversized body`);
        if (name.startsWith('invalid JSON')) assertPineLabsError(reply, e.name, { status: 400, code: 'INVALID_REQUEST', says: [/JSON/] });
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
      assert.deepEqual(await state(server, t), before_);
    });
  }

  it('JSON of the wrong shape → 400 INVALID_REQUEST saying the body must be a JSON object (endpoints with a body schema)', async () => {
    for (const e of endpoints.filter((x) => x.validBody)) {
      for (const rawBody of ['null', '[]', '42', '"hello"', 'true']) {
        assertPineLabsError(await request(e, { rawBody, headers: JSON_TYPE }), `${e.name} with ${rawBody}`, {
          status: 400,
          code: 'INVALID_REQUEST',
          says: [/body/, /JSON object/],
        });
      }
    }
  });

  it('a cancel ignores whatever body it is sent: on a CREATED order the answer is 422 OPERATION_NOT_ALLOWED', async () => {
    const cancel = endpoint(endpoints, CANCEL);
    for (const rawBody of ['null', '[]', '42', '{"status":"CANCELLED"}']) {
      assertPineLabsError(await request(cancel, { rawBody, headers: JSON_TYPE }), `cancel with ${rawBody}`, {
        status: 422,
        code: 'OPERATION_NOT_ALLOWED',
      });
    }
  });

  it('__proto__ / constructor.prototype keys cannot inject fields: an order with {"__proto__":{"pre_auth":true}} is not pre_auth', async () => {
    for (const [i, injection] of ['"__proto__":{"pre_auth":true}', '"constructor":{"prototype":{"pre_auth":true}}'].entries()) {
      const reference = uniqueRef(`proto${i}`);
      const reply = await request(endpoint(endpoints, CREATE_ORDER), {
        rawBody: `{${injection},"merchant_order_reference":"${reference}","order_amount":{"value":100,"currency":"INR"}}`,
        headers: JSON_TYPE,
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.data.pre_auth, false, 'pre_auth came from nowhere');
      const stored = await server.db.query<{ pre_auth: boolean }>('select pre_auth from orders where merchant_order_reference = $1', [
        reference,
      ]);
      assert.deepEqual(stored, [{ pre_auth: false }]);
    }
    // A capture whose capture_amount hides in __proto__ is a full capture, not a 1-paisa one.
    const id = await t.client.authorizedOrder(3000);
    const capture = await request(endpoint(endpoints, CAPTURE), {
      id,
      rawBody: '{"__proto__":{"capture_amount":{"value":1,"currency":"INR"}},"merchant_capture_reference":"proto-cap"}',
      headers: JSON_TYPE,
    });
    assert.equal(capture.status, 200, JSON.stringify(capture.body));
    assert.equal(capture.body.data.payments[0].capture_data[0].capture_amount.value, 3000);
    assert.equal(({} as Record<string, unknown>).pre_auth, undefined, 'Object.prototype is not polluted');
    assert.equal(({} as Record<string, unknown>).capture_amount, undefined, 'Object.prototype is not polluted');
  });

  it('a body of invalid UTF-8 bytes → 4xx, Pine Labs shape', async () => {
    for (const e of endpoints.filter((x) => x.validBody)) {
      const response = await fetch(server.baseUrl + e.path(), {
        method: e.method,
        headers: { authorization: `Bearer ${t.client.token}`, 'content-type': 'application/json' },
        body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      });
      const text = await response.text();
      assertPineLabsError({ status: response.status, body: JSON.parse(text), headers: response.headers }, `${e.name} with invalid UTF-8`);
    }
    assert.deepEqual(await state(server, t), before_);
  });
});
