import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertPineLabsError, endpoint, endpointsFor, newTarget, send, state, type Endpoint, type Target } from './helpers/bad-input.js';

/**
 * A value of the wrong type in each field of an otherwise valid body → 400 INVALID_REQUEST in Pine
 * Labs' error shape, the message naming the field, and nothing stored. Each test aims at a merchant
 * and orders of its own (beforeEach).
 */
describe('Pine Labs: wrong types for every field → 400 INVALID_REQUEST naming the field, nothing stored', () => {
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

  /** [dotted field path, wrong values]; each value replaces the field in an otherwise valid body. */
  const wrongTypes: Record<string, Array<[string, unknown[]]>> = {
    'POST /api/auth/v1/token': [
      ['client_id', [null, 123, true, [], {}]],
      ['client_secret', [null, 123, false, ['x'], {}]],
      ['grant_type', [null, 1, true, ['client_credentials'], {}, 'password']],
    ],
    'POST /api/pay/v1/orders': [
      ['merchant_order_reference', [null, true, [], {}, 1.5, -1]],
      ['order_amount', [null, 100, '100', [], true]],
      ['order_amount.value', [null, '100', true, [], {}, 1.5]],
      ['order_amount.currency', [null, 356, true, [], {}]],
      ['pre_auth', [null, 'true', 1, [], {}]],
      ['allowed_payment_methods', [null, 'CARD', 1, {}, [1], ['BITCOIN']]],
      ['notes', [null, 1, true, [], {}]],
      ['callback_url', [null, 1, [], 'ftp://example.com', 'javascript:alert(1)']],
      ['failure_callback_url', [null, 1, {}, 'not a url']],
      ['purchase_details', [null, 1, 'x', []]],
      ['purchase_details.customer', [null, 1, 'x', []]],
      ['purchase_details.merchant_metadata', [null, 1, 'x', []]],
      ['purchase_details.merchant_metadata.key', [null, 1, true, {}, []]],
    ],
    'POST /api/pay/v1/orders/:id/payments': [
      ['payments', [null, {}, 'x', 1, []]],
      ['payments.0', [null, 'x', 1, []]],
      ['payments.0.merchant_payment_reference', [null, 1, true, {}, [], '']],
      ['payments.0.payment_method', [null, 1, 'card', {}, []]],
      ['payments.0.payment_amount', [null, 10000, '10000', []]],
      ['payments.0.payment_amount.value', [null, '10000', true, 1.5, {}]],
      ['payments.0.payment_amount.currency', [null, 356, {}, []]],
      ['payments.0.payment_option', [null, 'x', 1, []]],
      ['payments.0.payment_option.card_details', [null, 'x', 1, []]],
      ['payments.0.payment_option.card_details.card_number', [null, 4111111111111111, true, [], {}, 'abcd-efgh-ijkl-mnop']],
      ['payments.0.payment_option.card_details.cvv', [null, 123, true, [], '12a']],
      ['payments.0.payment_option.card_details.expiry_month', [null, 12, true, [], '1']],
      ['payments.0.payment_option.card_details.expiry_year', [null, 2035, true, [], '203']],
      ['payments.0.payment_option.card_details.name', [null, 1, true, [], '']],
    ],
    'PUT /api/pay/v1/orders/:id/capture': [
      ['merchant_capture_reference', [null, 1, true, {}, []]],
      ['capture_amount', [null, 100, '100', []]],
      ['capture_amount.value', [null, '100', true, {}, 1.5]],
      ['capture_amount.currency', [null, 356, true, {}]],
    ],
    'POST /api/pay/v1/refunds/:id': [
      ['merchant_order_reference', [null, 1, true, {}, []]],
      ['order_amount', [null, 100, '100', []]],
      ['order_amount.value', [null, '100', true, {}, 1.5]],
      ['order_amount.currency', [null, 356, true, {}]],
      ['merchant_metadata', [null, 1, 'x', []]],
      ['merchant_metadata.key', [null, 1, true, {}]],
    ],
  };

  /** A copy of `body` with the field at `path` set to `value` (creating missing parents). */
  function withField(body: unknown, path: string, value: unknown): unknown {
    const copy = structuredClone(body) as Record<string, unknown>;
    const parts = path.split('.');
    let node: any = copy;
    for (const part of parts.slice(0, -1)) {
      if (node[part] === null || typeof node[part] !== 'object') node[part] = {};
      node = node[part];
    }
    node[parts[parts.length - 1]!] = value;
    return copy;
  }

  for (const [endpointName, fields] of Object.entries(wrongTypes)) {
    it(endpointName, async () => {
      const e = endpoint(endpoints, endpointName);
      for (const [path, values] of fields) {
        for (const value of values) {
          const body = withField(e.validBody!(), path, value);
          const label = `${endpointName} ${path} = ${JSON.stringify(value)}`;
          const reply = await send(server, t, e, { body });
          assertPineLabsError(reply, label, { status: 400, code: 'INVALID_REQUEST' });
          // The message names the field (an array item may be named by its index after the field's name).
          assert.ok(reply.body.message.includes(path), `${label}: message names ${path}: ${reply.body.message}`);
        }
      }
      assert.deepEqual(await state(server, t), before_);
    });
  }
});
