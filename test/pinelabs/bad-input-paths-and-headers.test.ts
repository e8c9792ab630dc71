import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  assertClientError,
  assertPineLabsError,
  endpoint,
  endpointsFor,
  GET_BY_REFERENCE,
  GET_ORDER,
  newTarget,
  send,
  state,
  type Endpoint,
  type SendOptions,
  type Target,
} from './helpers/bad-input.js';

/**
 * Odd order ids and references in paths, and malformed Request-ID / Request-Timestamp headers, on
 * every Pine Labs endpoint: each answer is a 4xx in Pine Labs' error shape and nothing changes.
 * Each test aims at a merchant and orders of its own (beforeEach).
 */
describe('Pine Labs: odd paths and bad headers → 4xx in Pine Labs shape, nothing changed', () => {
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
  /** A request aimed at `id`, with a valid body where the endpoint takes one. */
  const withId = (e: Endpoint, id: string) => request(e, { id, ...(e.validBody ? { body: e.validBody() } : {}) });

  describe('odd paths', () => {
    const oddIds: Array<[string, string]> = [
      ['unicode', encodeURIComponent('😀漢字-é')],
      ['a right-to-left override', encodeURIComponent('ab\u202ecd')],
      ['an encoded slash', 'ab%2Fcd'],
      ['a path traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['CR LF', 'ab%0D%0ASet-Cookie%3A%20x%3D1'],
      ['quotes and angle brackets', encodeURIComponent(`'"<script>alert(1)</script>`)],
      ['SQL', encodeURIComponent("x' or '1'='1")],
      ['spaces', 'a%20b%20c'],
      ['a refund-like id', 'v1-000000000000-aa-zzzzzz'],
      ['a refund-like id with junk', `v1-${encodeURIComponent('%$#@!')}`],
      ['a percent sign', '100%25'],
      ['50 characters', 'x'.repeat(50)],
    ];

    it('odd but well-formed ids → 404 ORDER_NOT_FOUND on every endpoint with an id', async () => {
      for (const e of endpoints.filter((x) => x.hasId)) {
        for (const [name, id] of oddIds) {
          assertPineLabsError(await withId(e, id), `${e.name} with ${name}`, { status: 404, code: 'ORDER_NOT_FOUND' });
        }
      }
      assert.deepEqual(await state(server, t), before_);
    });

    it('ids of 51–100 characters → 404 ORDER_NOT_FOUND; reference lookups refuse more than 50 characters with 400', async () => {
      for (const e of endpoints.filter((x) => x.hasId)) {
        for (const length of [51, 99, 100]) {
          const label = `${e.name} with a ${length}-character id`;
          const reply = await withId(e, 'x'.repeat(length));
          if (e.name === GET_BY_REFERENCE) {
            assertPineLabsError(reply, label, { status: 400, code: 'INVALID_REQUEST', says: [/merchant_order_reference/, /50/] });
          } else {
            assertPineLabsError(reply, label, { status: 404, code: 'ORDER_NOT_FOUND' });
          }
        }
      }
      assert.deepEqual(await state(server, t), before_);
    });

    type Expected = { status: number; code: string; says?: RegExp[] };
    const tooLongForOrderId: Expected = { status: 400, code: 'INVALID_REQUEST', says: [/order_id/, /100/] };
    const tooLongForReference: Expected = { status: 400, code: 'INVALID_REQUEST', says: [/merchant_order_reference/, /50/] };
    const malformedUrl: Expected = { status: 400, code: 'INVALID_REQUEST', says: [/URL is malformed/] };
    const notFound: Expected = { status: 404, code: 'ORDER_NOT_FOUND' };
    /** [name, id, the answer of an endpoint taking an order id, the answer of the reference lookup]. */
    const longAndBroken: Array<[string, string, Expected, Expected]> = [
      ['a 500-character id', 'x'.repeat(500), tooLongForOrderId, tooLongForReference],
      ['a 101-character id', 'y'.repeat(101), tooLongForOrderId, tooLongForReference],
      // 84 characters once decoded: within the 100 of an order id, beyond the 50 of a reference.
      ['a 500-character encoded id', encodeURIComponent('é'.repeat(84)), notFound, tooLongForReference],
      ['broken percent-encoding %ZZ', 'ab%ZZcd', malformedUrl, malformedUrl],
      ['a lone %', 'ab%', malformedUrl, malformedUrl],
      ['invalid UTF-8 %FF', 'ab%FFcd', malformedUrl, malformedUrl],
      ['overlong UTF-8 %C0%AF', 'ab%C0%AFcd', malformedUrl, malformedUrl],
    ];

    it('very long ids and broken percent-encoding → 4xx, no internals', async () => {
      for (const e of endpoints.filter((x) => x.hasId)) {
        for (const [name, id] of longAndBroken) assertClientError(await withId(e, id), `${e.name} with ${name}`);
      }
      assert.deepEqual(await state(server, t), before_);
    });

    it('very long ids and broken percent-encoding → answered in Pine Labs shape: 400 naming the limit, 404, or 400 for a malformed URL', async () => {
      for (const e of endpoints.filter((x) => x.hasId)) {
        for (const [name, id, byOrderId, byReference] of longAndBroken) {
          assertPineLabsError(await withId(e, id), `${e.name} with ${name}`, e.name === GET_BY_REFERENCE ? byReference : byOrderId);
        }
      }
      assert.deepEqual(await state(server, t), before_);
    });

    it('a NUL byte (%00) in an id → 404 ORDER_NOT_FOUND on every endpoint with an id, never 5xx', async () => {
      for (const e of endpoints.filter((x) => x.hasId)) {
        for (const id of ['ab%00cd', 'v1-%00', '%00']) {
          assertPineLabsError(await withId(e, id), `${e.name} with ${id}`, { status: 404, code: 'ORDER_NOT_FOUND' });
        }
      }
      assert.deepEqual(await state(server, t), before_);
    });
  });

  describe('headers', () => {
    const headerCases: Array<[string, Record<string, string>, RegExp]> = [
      ['Request-ID of 51 characters', { 'Request-ID': 'r'.repeat(51) }, /Request-ID/],
      ['an empty Request-ID', { 'Request-ID': '' }, /Request-ID/],
      ['a blank Request-ID', { 'Request-ID': '   ' }, /Request-ID/],
      ['Request-Timestamp "yesterday"', { 'Request-Timestamp': 'yesterday' }, /Request-Timestamp/],
      ['Request-Timestamp of impossible values', { 'Request-Timestamp': '2024-13-45T99:99:99Z' }, /Request-Timestamp/],
      ['Request-Timestamp as epoch seconds', { 'Request-Timestamp': '1720511828' }, /Request-Timestamp/],
      ['an empty Request-Timestamp', { 'Request-Timestamp': '' }, /Request-Timestamp/],
    ];
    for (const [name, headers, names] of headerCases) {
      it(`${name} → 400 INVALID_REQUEST naming the header, on every endpoint, and the request does nothing`, async () => {
        for (const e of endpoints) {
          const reply = await request(e, { headers, ...(e.validBody ? { body: e.validBody() } : {}) });
          assertPineLabsError(reply, `${e.name} with ${name}`, { status: 400, code: 'INVALID_REQUEST', says: [names] });
        }
        assert.deepEqual(await state(server, t), before_);
      });
    }

    it('a Request-ID of exactly 50 characters and an ISO Request-Timestamp are accepted', async () => {
      const reply = await request(endpoint(endpoints, GET_ORDER), {
        headers: { 'Request-ID': 'r'.repeat(50), 'Request-Timestamp': '2024-07-09T07:57:08.022Z' },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.data.order_id, t.authorized);
    });
  });
});
