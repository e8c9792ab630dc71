/**
 * Pine Labs' `POST /api/pay/v1/getCardDetails`: network and issuer particulars of a card number,
 * and whether its OTP can be collected natively (the sandbox's 3-D Secure card). The number is
 * never answered, stored or logged.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createMerchant } from '../../src/core/merchants.js';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/store/db.js';
import { startLoggedServer, type LoggedServer } from '../helpers/logged-server.js';
import { call, PineLabsClient, type Reply } from '../helpers/pinelabs-client.js';

const CHALLENGE_CARD = '4000000000003220';

describe('Pine Labs getCardDetails', () => {
  let db: Db;
  let app: App;
  let baseUrl: string;
  let client: PineLabsClient;
  let server: LoggedServer;
  before(async () => {
    server = await startLoggedServer();
    ({ app, db, baseUrl } = server);
    client = await PineLabsClient.login(baseUrl, await createMerchant(app.ctx, { name: 'Card details' }));
  });
  after(() => server.close());

  const lookUp = (body: unknown): Promise<Reply> => client.request('POST', '/api/pay/v1/getCardDetails', body);
  const cards = (...numbers: string[]) => ({
    amount: '100',
    card_details: numbers.map((n) => ({ payment_identifier: n, payment_reference_type: 'CARD' })),
  });

  it('answers the documented fields; native OTP is supported for the 3-D Secure test card only', async () => {
    const reply = await lookUp(cards(CHALLENGE_CARD));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, {
      card_payment_details: [
        {
          card_network: 'VISA',
          card_issuer: 'HOLDFAST SANDBOX BANK',
          card_type: 'CREDIT',
          card_category: 'NONE',
          is_international_card: false,
          is_native_otp_supported: true,
          country_code: 'IND',
          currency: 'INR',
          is_currency_supported: true,
        },
      ],
    });

    const many = await lookUp(
      cards('4111 1111 1111 1111', '5555-5555-5555-4444', '6521000000000007', '378282246310005', '4000000000000002'),
    );
    assert.equal(many.status, 200, JSON.stringify(many.body));
    assert.deepEqual(
      many.body.card_payment_details.map((c: any) => [c.card_network, c.is_native_otp_supported]),
      [
        ['VISA', false],
        ['MASTERCARD', false],
        ['RUPAY', false],
        ['AMEX', false],
        ['VISA', false],
      ],
    );
    const withoutAmount = await lookUp({ card_details: [{ payment_identifier: CHALLENGE_CARD, payment_reference_type: 'CARD' }] });
    assert.equal(withoutAmount.body.card_payment_details[0].is_native_otp_supported, true, 'amount is optional');
  });

  it("bad input answers in Pine Labs' shape naming the field; tokens are not looked up; a token is required", async () => {
    const cases: [string, unknown, number, string, string][] = [
      ['Luhn fails', cards('4111111111111112'), 400, 'INVALID_REQUEST', 'card_details.0.payment_identifier'],
      ['letters', cards('4111abcd11111111'), 400, 'INVALID_REQUEST', 'card_details.0.payment_identifier'],
      ['too short', cards('41111111111'), 400, 'INVALID_REQUEST', 'card_details.0.payment_identifier'],
      ['too long once separators go', cards('4111 1111 1111 1111 1111'), 400, 'INVALID_REQUEST', 'card_details.0.payment_identifier'],
      ['second card bad', cards('4111111111111111', '1234567890123'), 400, 'INVALID_REQUEST', 'card_details.1.payment_identifier'],
      ['no card_details', { amount: '100' }, 400, 'INVALID_REQUEST', 'card_details'],
      ['empty card_details', { card_details: [] }, 400, 'INVALID_REQUEST', 'card_details'],
      [
        'unknown reference type',
        { card_details: [{ payment_identifier: '4111111111111111', payment_reference_type: 'UPI' }] },
        400,
        'INVALID_REQUEST',
        'card_details.0.payment_reference_type',
      ],
      ['amount not digits', { ...cards('4111111111111111'), amount: '1.00' }, 400, 'INVALID_REQUEST', 'amount'],
      [
        'a network token',
        { card_details: [{ payment_identifier: '4111111111111111', payment_reference_type: 'NETWORK_TOKEN_TXN' }] },
        422,
        'PAYMENT_METHOD_NOT_ENABLED',
        '',
      ],
    ];
    for (const [label, body, status, code, field] of cases) {
      const reply = await lookUp(body);
      assert.equal(reply.status, status, `${label}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.code, code, label);
      if (field) assert.equal(reply.body.additional_error_details?.field, field, label);
      assert.ok(!JSON.stringify(reply.body).includes('4111111111111111'), `${label}: the number is not echoed`);
    }
    const unauthenticated = await call(baseUrl, 'POST', '/api/pay/v1/getCardDetails', { body: cards(CHALLENGE_CARD) });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.body.code, 'UNAUTHORIZED');
  });

  it('the card number is neither stored nor logged (payment_identifier is redacted wherever it is logged)', async () => {
    await lookUp(cards(CHALLENGE_CARD));
    await call(baseUrl, 'POST', '/api/pay/v1/getCardDetails', {
      token: client.token,
      rawBody: JSON.stringify(cards(CHALLENGE_CARD)).slice(0, -2),
      headers: { 'content-type': 'application/json' },
    });
    for (const table of ['orders', 'payments', 'request_keys', 'webhook_events', 'jobs']) {
      const rows = await db.query<{ dump: string | null }>(`select string_agg(row_to_json(t)::text, '') as dump from ${table} t`);
      assert.ok(!(rows[0]?.dump ?? '').includes(CHALLENGE_CARD), `${table} does not contain the card number`);
    }
    assert.ok(server.logs().length > 0, 'the logger was in use at trace level');
    assert.ok(!server.logs().includes(CHALLENGE_CARD), 'logs do not contain the card number');

    let out = '';
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          out += String(chunk);
          done();
        },
      }),
    );
    const lookup = { card_details: [{ payment_identifier: CHALLENGE_CARD, payment_reference_type: 'CARD' }] };
    logger.info({ body: lookup }, 'as a request body');
    logger.info(lookup, 'as the object itself');
    logger.info({ req: lookup }, 'one level down');
    assert.equal(out.trim().split('\n').length, 3);
    assert.ok(!out.includes(CHALLENGE_CARD), out);
    assert.equal(out.match(/\[REDACTED\]/g)?.length, 3);
  });
});
