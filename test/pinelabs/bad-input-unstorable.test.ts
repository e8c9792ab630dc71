import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cardPayment, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  assertPineLabsError,
  CREATE_ORDER,
  deep,
  endpoint,
  endpointsFor,
  JSON_TYPE,
  newTarget,
  PAY,
  REFUND,
  send,
  state,
  TOKEN,
  type Endpoint,
  type SendOptions,
  type Target,
} from './helpers/bad-input.js';

/**
 * Text PostgreSQL cannot store (NUL characters, lone UTF-16 surrogates) and runaway nesting are
 * refused at the edge (src/api/json-body.ts, src/api/text-safety.ts) as 400 INVALID_REQUEST naming
 * the field, in Pine Labs' error shape, and nothing is stored. Each test aims at a merchant and
 * orders of its own (beforeEach).
 */
describe('Pine Labs: unstorable text and runaway nesting → 400 INVALID_REQUEST, nothing changed', () => {
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
  const escape = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

  it('NUL characters (\\u0000) in any string field → 400, nothing stored', async () => {
    const nul = 'a\u0000b';
    const payment = cardPayment(uniqueRef('nul'), 10000);
    payment.payments[0]!.payment_option.card_details.name = nul;
    const cases: Array<[Endpoint, unknown]> = [
      [endpoint(endpoints, TOKEN), { client_id: nul, client_secret: 'x', grant_type: 'client_credentials' }],
      [
        endpoint(endpoints, CREATE_ORDER),
        { merchant_order_reference: uniqueRef('nul'), order_amount: { value: 100, currency: 'INR' }, notes: nul },
      ],
      [
        endpoint(endpoints, CREATE_ORDER),
        {
          merchant_order_reference: uniqueRef('nul'),
          order_amount: { value: 100, currency: 'INR' },
          callback_url: `https://example.com/${nul}`,
        },
      ],
      [
        endpoint(endpoints, CREATE_ORDER),
        {
          merchant_order_reference: uniqueRef('nul'),
          order_amount: { value: 100, currency: 'INR' },
          purchase_details: { customer: { first_name: nul } },
        },
      ],
      [
        endpoint(endpoints, CREATE_ORDER),
        {
          merchant_order_reference: uniqueRef('nul'),
          order_amount: { value: 100, currency: 'INR' },
          purchase_details: { merchant_metadata: { [nul]: 'v' } },
        },
      ],
      // Aimed at this test's own CREATED order and captured order.
      [endpoint(endpoints, PAY), payment],
      [
        endpoint(endpoints, REFUND),
        { merchant_order_reference: uniqueRef('nul'), order_amount: { value: 100, currency: 'INR' }, merchant_metadata: { k: nul } },
      ],
    ];
    for (const [e, body] of cases) {
      const reply = await request(e, { body });
      assertPineLabsError(reply, `${e.name} with NUL in ${JSON.stringify(body).slice(0, 120)}`, { status: 400 });
    }
    assert.deepEqual(await state(server, t), before_);
  });

  it('lone UTF-16 surrogates in free-text fields → 400 INVALID_REQUEST naming the field as malformed Unicode, nothing stored', async () => {
    const cases: Array<[Endpoint, unknown, string]> = [
      [
        endpoint(endpoints, CREATE_ORDER),
        { merchant_order_reference: uniqueRef('sur'), order_amount: { value: 100, currency: 'INR' }, notes: 'a\ud800b' },
        'notes',
      ],
      [
        endpoint(endpoints, CREATE_ORDER),
        {
          merchant_order_reference: uniqueRef('sur'),
          order_amount: { value: 100, currency: 'INR' },
          purchase_details: { merchant_metadata: { k: '\udfff' } },
        },
        'purchase_details.merchant_metadata.k',
      ],
      [
        // Aimed at this test's own captured order.
        endpoint(endpoints, REFUND),
        {
          merchant_order_reference: uniqueRef('sur'),
          order_amount: { value: 100, currency: 'INR' },
          merchant_metadata: { k: 'x\udc00' },
        },
        'merchant_metadata.k',
      ],
    ];
    for (const [e, body, field] of cases) {
      const reply = await request(e, { body });
      assertPineLabsError(reply, `${e.name} with a lone surrogate in ${field}`, {
        status: 400,
        code: 'INVALID_REQUEST',
        says: [escape(field), /malformed Unicode/],
      });
      assert.deepEqual(reply.body.additional_error_details, { field }, `${e.name}: the field is named`);
    }
    assert.deepEqual(await state(server, t), before_, 'nothing stored');
  });

  it('very deeply nested JSON (10 000 levels) → 400 INVALID_REQUEST stating the nesting limit of 32, nothing stored', async () => {
    for (const e of endpoints.filter((x) => x.validBody)) {
      const valid = JSON.stringify(e.validBody!());
      const rawBody = `${valid.slice(0, -1)},"junk":${deep(10_000)}}`;
      // An unknown order id: the body is read and fingerprinted all the same, and nothing can be changed.
      const reply = await request(e, { rawBody, headers: JSON_TYPE, ...(e.hasId ? { id: 'v1-000000000000-aa-unknwn' } : {}) });
      assertPineLabsError(reply, `${e.name} with 10 000 levels`, {
        status: 400,
        code: 'INVALID_REQUEST',
        says: [/nested more than 32 levels deep/],
      });
      assert.match(reply.body.additional_error_details?.field ?? '', /^junk(\.a)+$/, `${e.name}: the field is named`);
    }
    assert.deepEqual(await state(server, t), before_, 'nothing stored');
  });
});
