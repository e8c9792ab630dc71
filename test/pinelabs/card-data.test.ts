import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createMerchant } from '../../src/core/merchants.js';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/store/db.js';
import { startLoggedServer, type LoggedServer } from '../helpers/logged-server.js';
import { call, cardPayment, PineLabsClient } from '../helpers/pinelabs-client.js';

const PAN = '5555555555554444';
const CVV = '9731';

describe('card data is never stored or logged', () => {
  let db: Db;
  let app: App;
  let baseUrl: string;
  let server: LoggedServer;
  before(async () => {
    server = await startLoggedServer();
    ({ app, db, baseUrl } = server);
  });
  after(() => server.close());

  it('keeps BIN, last 4, network, expiry and a fingerprint, and nothing else of the card', async () => {
    const client = await PineLabsClient.login(baseUrl, await createMerchant(app.ctx, { name: 'Card data' }));
    const order = await client.createOrder(5000);
    const orderId = order.body.data.order_id;
    const body = cardPayment('pay-card-data', 5000, PAN);
    body.payments[0]!.payment_option.card_details.cvv = CVV;
    const paid = await client.request('POST', `/api/pay/v1/orders/${orderId}/payments`, body);
    assert.equal(paid.status, 200);
    assert.ok(!JSON.stringify(paid.body).includes(PAN), 'the answer does not echo the card number');
    // A failing request with the card in it, to exercise the error path's logging too.
    await call(baseUrl, 'POST', `/api/pay/v1/orders/${orderId}/payments`, {
      token: client.token,
      rawBody: JSON.stringify(body).slice(0, -3),
      headers: { 'content-type': 'application/json' },
    });
    await client.capture(orderId, { merchant_capture_reference: 'cap' });

    const payment = (await db.query('select * from payments where order_id = $1', [orderId]))[0]!;
    assert.equal(payment.card_bin, '555555');
    assert.equal(payment.card_last4, '4444');
    assert.equal(payment.card_network, 'MASTERCARD');
    assert.match(String(payment.card_fingerprint), /^[0-9a-f]{64}$/);

    const tables = ['orders', 'payments', 'captures', 'reversals', 'refunds', 'journal_entries', 'postings', 'request_keys', 'merchants'];
    for (const table of tables) {
      const rows = await db.query<{ dump: string | null }>(`select string_agg(row_to_json(t)::text, '') as dump from ${table} t`);
      const dump = rows[0]?.dump ?? '';
      assert.ok(!dump.includes(PAN), `${table} does not contain the card number`);
      assert.ok(!dump.includes(`"${CVV}"`), `${table} does not contain the CVV`);
    }
    assert.ok(server.logs().length > 0, 'the logger was in use at trace level');
    assert.ok(!server.logs().includes(PAN), 'logs do not contain the card number');
  });

  it('redacts card numbers, CVVs, tokens and secrets from logged objects', () => {
    let out = '';
    const logger = createLogger(
      'info',
      new Writable({
        write: (c, _e, d) => {
          out += String(c);
          d();
        },
      }),
    );
    logger.info({ body: { payments: [{ payment_option: { card_details: { card_number: PAN, cvv: CVV } } }] } }, 'payment');
    logger.info({ req: { headers: { authorization: 'Bearer secret-token' } }, creds: { client_secret: 'shh', api_key: 'key' } }, 'auth');
    assert.ok(!out.includes(PAN));
    assert.ok(!out.includes(CVV));
    assert.ok(!out.includes('secret-token'));
    assert.ok(!out.includes('shh'));
    assert.match(out, /\[REDACTED\]/);
  });
});
