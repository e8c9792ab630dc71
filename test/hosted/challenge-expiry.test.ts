/**
 * A 3-D Secure challenge is open for HOLDFAST_CHALLENGE_TTL (default 10 minutes). An OTP entered
 * after that fails authentication exactly as a wrong OTP does — even the right one — and the
 * browser's return says so; within the window the right OTP still approves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { juspaySignatureValid, pineLabsSignatureValid, returnOf } from '../helpers/merchant-return.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId, submitOtp } from '../juspay/helpers/juspay-http.js';

const CHALLENGE_CARD = '4000000000003220';
const MINUTE = 60_000;

describe('3-D Secure challenges expire', () => {
  let server: TestServer;
  let client: PineLabsClient;
  let juspay: JuspayHttp;
  let merchant: MerchantCredentials;
  before(async () => {
    server = await startTestServer();
    merchant = await server.newMerchant();
    client = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(() => server.close());

  async function challengedOrder(): Promise<{ orderId: string; url: string }> {
    const created = await client.createOrder(4000, {
      extra: { callback_url: 'https://merchant.example/ok', failure_callback_url: 'https://merchant.example/failed' },
    });
    const orderId = created.body.data.order_id as string;
    const paid = await client.pay(orderId, 4000, CHALLENGE_CARD);
    assert.equal(paid.body.data.status, 'PENDING');
    return { orderId, url: paid.body.data.challenge_url as string };
  }

  it('the right OTP after the window: authentication failed, order ATTEMPTED, the failure URL says so, nothing held', async () => {
    const { orderId, url } = await challengedOrder();
    server.clock.advance(10 * MINUTE);
    const back = returnOf(await submitOtp(url, '123456'));
    assert.equal(back.method, 'POST');
    assert.equal(back.url.href, 'https://merchant.example/failed');
    assert.equal(back.fields.status, 'ATTEMPTED');
    assert.equal(back.fields.error_code, 'USER_AUTHENTICATION_FAILED');
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
    const read = await client.getOrder(orderId);
    assert.equal(read.body.data.status, 'ATTEMPTED');
    assert.equal(read.body.data.payments[0].error_detail.code, 'USER_AUTHENTICATION_FAILED');
    assert.deepEqual(await orderLedger(server.db, orderId), { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0, merchant: 0 });
    // The expired challenge is used up like a failed one.
    assert.equal((await submitOtp(url, '123456')).status, 404);
  });

  it('the right OTP within the window still approves', async () => {
    const { orderId, url } = await challengedOrder();
    server.clock.advance(10 * MINUTE - 1000);
    const back = returnOf(await submitOtp(url, '123456'));
    assert.equal(back.fields.status, 'AUTHORIZED');
    assert.ok(pineLabsSignatureValid(back.fields, merchant.pinelabs_redirect_secret));
    assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
  });

  it('Juspay: the return_url says AUTHENTICATION_FAILED (26)', async () => {
    const orderId = newOrderId('exp');
    await juspay.createOrder(orderId, '40.00', { extra: { return_url: 'https://shop.example/back' } });
    const txn = await juspay.txn(orderId, CHALLENGE_CARD);
    server.clock.advance(11 * MINUTE);
    const back = returnOf(await submitOtp(txn.body.payment.authentication.url, '123456'));
    assert.equal(back.method, 'GET');
    assert.equal(back.fields.status, 'AUTHENTICATION_FAILED');
    assert.equal(back.fields.status_id, '26');
    assert.ok(juspaySignatureValid(back.url, merchant.juspay_response_key));
  });

  it('a challenge nobody answers is failed by its job when the window closes, not before', async () => {
    const { orderId } = await challengedOrder();
    server.clock.advance(10 * MINUTE - 1000);
    await server.runJobs();
    assert.equal((await client.getOrder(orderId)).body.data.status, 'PENDING', 'still open');
    server.clock.advance(1000);
    await server.runJobs();
    const read = await client.getOrder(orderId);
    assert.equal(read.body.data.status, 'ATTEMPTED');
    assert.equal(read.body.data.payments[0].error_detail.code, 'USER_AUTHENTICATION_FAILED');
    const left = await server.db.query("select kind from jobs where payload->>'orderId' = $1 and failed_at is null", [orderId]);
    // The order may be paid again (ATTEMPTED), so only its own expiry is left (docs/order-expiry.md).
    assert.deepEqual(left, [{ kind: 'order.expiry' }], 'no job of the payment is left for the order');
  });

  it('HOLDFAST_CHALLENGE_TTL sets the window; a bad value is named', () => {
    assert.equal(loadConfig({}).challengeTtlMs, 10 * MINUTE);
    assert.equal(loadConfig({ HOLDFAST_CHALLENGE_TTL: '2m' }).challengeTtlMs, 2 * MINUTE);
    assert.throws(() => loadConfig({ HOLDFAST_CHALLENGE_TTL: 'soon' }), /HOLDFAST_CHALLENGE_TTL must be a duration/);
  });
});
