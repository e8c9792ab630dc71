import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { snapshot } from '../helpers/ledger-check.js';
import { cardPayment, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertPineLabsError, newTarget, type Target } from './helpers/bad-input.js';

/**
 * Field validation of order creation and payments: each refusal is a 4xx in Pine Labs' error shape
 * naming the field and stating the limit, and nothing is stored. Each test aims at a merchant and
 * orders of its own (beforeEach).
 */
describe('Pine Labs: order and payment validation', () => {
  let server: TestServer;
  let t: Target;

  before(async () => {
    server = await startTestServer();
  });
  beforeEach(async () => {
    t = await newTarget(server);
  });
  after(() => server.close());

  describe('order creation validation → 400 INVALID_REQUEST naming the field, no order stored', () => {
    const order = (fields: Record<string, unknown>) => ({
      merchant_order_reference: uniqueRef('v'),
      order_amount: { value: 100, currency: 'INR' },
      pre_auth: true,
      ...fields,
    });
    const amount = (value: unknown, currency: unknown = 'INR') => ({ order_amount: { value, currency } });
    const metadata = (entries: Record<string, string>) => ({ purchase_details: { merchant_metadata: entries } });
    const cases: Array<[string, Record<string, unknown>, RegExp[]]> = [
      ['merchant_order_reference missing', { merchant_order_reference: undefined }, [/merchant_order_reference/, /required/]],
      ['merchant_order_reference of 0 characters', { merchant_order_reference: '' }, [/merchant_order_reference/, /empty/]],
      ['merchant_order_reference of 51 characters', { merchant_order_reference: 'o'.repeat(51) }, [/merchant_order_reference/, /50/]],
      [
        'merchant_order_reference with a space',
        { merchant_order_reference: 'order 1' },
        [/merchant_order_reference/, /letters, digits, - and _/],
      ],
      [
        'merchant_order_reference with #',
        { merchant_order_reference: 'order#1' },
        [/merchant_order_reference/, /letters, digits, - and _/],
      ],
      [
        'merchant_order_reference with /',
        { merchant_order_reference: 'order/1' },
        [/merchant_order_reference/, /letters, digits, - and _/],
      ],
      [
        'merchant_order_reference with an accented letter',
        { merchant_order_reference: 'ordér' },
        [/merchant_order_reference/, /letters, digits, - and _/],
      ],
      ['merchant_order_reference with a control character', { merchant_order_reference: 'ord\u0007' }, [/merchant_order_reference/]],
      ['order_amount missing', { order_amount: undefined }, [/order_amount/, /required/]],
      ['order_amount.value 0', amount(0), [/order_amount\.value/, /greater than or equal to 1/]],
      ['order_amount.value negative', amount(-100), [/order_amount\.value/, /greater than or equal to 1/]],
      ['order_amount.value 100000001', amount(100_000_001), [/order_amount\.value/, /less than or equal to 100000000/]],
      ['order_amount.value 1.5', amount(1.5), [/order_amount\.value/, /integer/]],
      ['order_amount.value "100"', amount('100'), [/order_amount\.value/, /integer/]],
      ['order_amount.value missing', { order_amount: { currency: 'INR' } }, [/order_amount\.value/, /required/]],
      ['order_amount.currency missing', { order_amount: { value: 100 } }, [/order_amount\.currency/, /required/]],
      ['order_amount.currency "USD"', amount(100, 'USD'), [/currency/, /INR/]],
      ['order_amount.currency "EUR"', amount(100, 'EUR'), [/currency/, /INR/]],
      [
        'merchant_metadata with 11 entries',
        metadata(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v']))),
        [/merchant_metadata/, /10/],
      ],
      ['a merchant_metadata value of 257 characters', metadata({ note: 'v'.repeat(257) }), [/merchant_metadata/, /256/]],
    ];
    const count = async () => (await server.db.query<{ n: number }>('select count(*)::int as n from orders'))[0]!.n;

    for (const [name, fields, says] of cases) {
      it(name, async () => {
        const before = await count();
        const reply = await t.client.request('POST', '/api/pay/v1/orders', order(fields));
        assertPineLabsError(reply, name, { status: 400, code: 'INVALID_REQUEST', says });
        assert.equal(await count(), before, 'no order stored');
      });
    }

    it('order_amount.currency "inr" → 400 naming the currency and stating INR', async () => {
      const before = await count();
      const reply = await t.client.request('POST', '/api/pay/v1/orders', order(amount(100, 'inr')));
      assertPineLabsError(reply, 'inr', { status: 400, code: 'INVALID_REQUEST', says: [/currency/, /INR/] });
      assert.equal(await count(), before, 'no order stored');
    });

    it('the limits themselves are accepted: 1 and 100000000 paise, a 50-character reference, 10 metadata entries of 256 characters', async () => {
      const before = await count();
      const accepted = [
        order({ ...amount(1), merchant_order_reference: `A-_z09${'r'.repeat(44)}` }),
        order(amount(100_000_000)),
        order(metadata(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'.repeat(256)])))),
      ];
      for (const body of accepted) {
        const reply = await t.client.request('POST', '/api/pay/v1/orders', body);
        assert.equal(reply.status, 200, JSON.stringify(reply.body).slice(0, 300));
      }
      assert.equal(await count(), before + 3);
    });
  });

  describe('payment validation → 4xx, no payment stored, order unchanged', () => {
    type Item = ReturnType<typeof cardPayment>['payments'][number];
    const payment = (change: (item: Item) => void) => {
      const body = cardPayment(uniqueRef('pv'), 10000);
      change(body.payments[0]!);
      return body;
    };
    const cases: Array<[string, unknown, number, string, RegExp[]]> = [
      [
        'payment amount below the order amount',
        payment((p) => (p.payment_amount.value = 9999)),
        400,
        'INVALID_REQUEST',
        [/payment.amount/, /10000/],
      ],
      [
        'payment amount above the order amount',
        payment((p) => (p.payment_amount.value = 10001)),
        400,
        'INVALID_REQUEST',
        [/payment.amount/, /10000/],
      ],
      ['payment currency USD', payment((p) => (p.payment_amount.currency = 'USD')), 400, 'INVALID_REQUEST', [/currency/, /INR/]],
      ['payment_method UPI', payment((p) => (p.payment_method = 'UPI')), 422, 'PAYMENT_METHOD_NOT_ENABLED', [/UPI/]],
      ['payment_method NETBANKING', payment((p) => (p.payment_method = 'NETBANKING')), 422, 'PAYMENT_METHOD_NOT_ENABLED', [/NETBANKING/]],
      [
        'card_details missing',
        payment((p) => ((p.payment_option as Record<string, unknown>).card_details = undefined)),
        400,
        'INVALID_REQUEST',
        [/card_details/],
      ],
      [
        'card expired (01/2020)',
        payment((p) => Object.assign(p.payment_option.card_details, { expiry_month: '01', expiry_year: '2020' })),
        400,
        'INVALID_REQUEST',
        [/expir/, /past/],
      ],
      [
        'card expired last month (2-digit year)',
        payment((p) => Object.assign(p.payment_option.card_details, { expiry_month: '01', expiry_year: '24' })),
        400,
        'INVALID_REQUEST',
        [/expir/],
      ],
      ['expiry_month "13"', payment((p) => (p.payment_option.card_details.expiry_month = '13')), 400, 'INVALID_REQUEST', [/expiry_month/]],
      ['expiry_month "00"', payment((p) => (p.payment_option.card_details.expiry_month = '00')), 400, 'INVALID_REQUEST', [/expiry_month/]],
      ['cvv "12a"', payment((p) => (p.payment_option.card_details.cvv = '12a')), 400, 'INVALID_REQUEST', [/cvv/]],
      ['cvv of 2 digits', payment((p) => (p.payment_option.card_details.cvv = '12')), 400, 'INVALID_REQUEST', [/cvv/]],
      ['cvv of 5 digits', payment((p) => (p.payment_option.card_details.cvv = '12345')), 400, 'INVALID_REQUEST', [/cvv/]],
      [
        'card number failing Luhn',
        payment((p) => (p.payment_option.card_details.card_number = '4111111111111112')),
        400,
        'INVALID_REQUEST',
        [/card_number/],
      ],
      [
        'card number of 11 digits',
        payment((p) => (p.payment_option.card_details.card_number = '41111111111')),
        400,
        'INVALID_REQUEST',
        [/card_number/],
      ],
      [
        'card number with letters',
        payment((p) => (p.payment_option.card_details.card_number = '4111abcd11111111')),
        400,
        'INVALID_REQUEST',
        [/card_number/],
      ],
      ['no payments', { payments: [] }, 400, 'INVALID_REQUEST', [/payments/, /1/]],
      [
        'two payments',
        { payments: [cardPayment('a', 10000).payments[0], cardPayment('b', 10000).payments[0]] },
        400,
        'INVALID_REQUEST',
        [/payments/, /1/],
      ],
      [
        'merchant_payment_reference with a space',
        payment((p) => (p.merchant_payment_reference = 'pay 1')),
        400,
        'INVALID_REQUEST',
        [/merchant_payment_reference/],
      ],
    ];

    for (const [name, body, status, code, says] of cases) {
      it(name, async () => {
        const before = await snapshot(server.db, t.created);
        const reply = await t.client.request('POST', `/api/pay/v1/orders/${t.created}/payments`, body);
        assertPineLabsError(reply, name, { status, code, says });
        const rows = await server.db.query<{ n: number }>('select count(*)::int as n from payments where order_id = $1', [t.created]);
        assert.equal(rows[0]!.n, 0, 'no payment row');
        assert.deepEqual(await snapshot(server.db, t.created), before, 'the order is unchanged');
      });
    }

    it('a payment on an unknown order → 404 ORDER_NOT_FOUND', async () => {
      const before = await server.db.query('select count(*)::int as n from payments');
      const reply = await t.client.request(
        'POST',
        '/api/pay/v1/orders/v1-000000000000-aa-nothin/payments',
        cardPayment(uniqueRef('pv'), 10000),
      );
      assertPineLabsError(reply, 'unknown order', { status: 404, code: 'ORDER_NOT_FOUND' });
      assert.deepEqual(await server.db.query('select count(*)::int as n from payments'), before);
    });
  });
});
