/**
 * The Juspay dialect over HTTPS (HOLDFAST_TLS_CERT / HOLDFAST_TLS_KEY set), with the transport
 * details real clients use: chunked request bodies, Basic with or without the trailing colon,
 * odd Host headers.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { orderLedger } from '../helpers/ledger-check.js';
import { basicAuth, CARDS, newOrderId } from './helpers/juspay-http.js';
import { httpsRequest, makeTestCertificates, startHttpsTestServer, type HttpsTestServer, type TestCertificates } from './helpers/tls.js';

const FORM = 'application/x-www-form-urlencoded';

describe('Juspay dialect over HTTPS: TLS, chunked bodies, Basic auth forms', () => {
  let certs: TestCertificates;
  let server: HttpsTestServer;
  let apiKey: string;
  const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];

  before(async () => {
    certs = makeTestCertificates();
    server = await startHttpsTestServer(certs);
    server.app.server.server.prependListener('request', (request: IncomingMessage) =>
      seen.push({ url: request.url ?? '', headers: request.headers }),
    );
    apiKey = (await server.newMerchant()).api_key;
  });
  after(async () => {
    // before() may have failed part-way, leaving some of these unassigned.
    await (server as HttpsTestServer | undefined)?.close();
    (certs as TestCertificates | undefined)?.remove();
  });

  const call = (
    method: string,
    path: string,
    options: { body?: string; chunks?: string[]; contentType?: string; authorization?: string; headers?: Record<string, string> } = {},
  ) =>
    httpsRequest(`${server.baseUrl}${path}`, {
      ca: certs.ca,
      method,
      headers: {
        authorization: options.authorization ?? basicAuth(apiKey, false),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.chunks ? { chunks: options.chunks } : {}),
    });

  it('serves HTTPS with the configured certificate; plain HTTP on that port gets no answer', async () => {
    const health = await httpsRequest(`${server.baseUrl}/healthz`, { ca: certs.ca });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const unknown = await call('GET', '/orders/none1');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.status, 'NOT_FOUND');
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/healthz`), 'no cleartext HTTP on the TLS port');
    const otherCa = makeTestCertificates();
    try {
      await assert.rejects(
        httpsRequest(`${server.baseUrl}/healthz`, { ca: otherCa.ca }),
        (error: NodeJS.ErrnoException) => {
          assert.match(String(error.code), /CERT|SIGNATURE|ISSUER/);
          return true;
        },
        'a client trusting another CA refuses the certificate: verification is really on',
      );
    } finally {
      otherCa.remove();
    }
  });

  it('with TLS configured and no HOLDFAST_PUBLIC_URL, links default to https://', () => {
    const config = loadConfig({ PORT: '8443', HOST: '127.0.0.1', HOLDFAST_TLS_CERT: certs.certFile, HOLDFAST_TLS_KEY: certs.keyFile });
    assert.deepEqual(config.tls, { certFile: certs.certFile, keyFile: certs.keyFile });
    assert.equal(config.publicUrl, 'https://127.0.0.1:8443');
  });

  it('Basic auth with or without the trailing colon, the scheme name in any case', async () => {
    const orderId = newOrderId('auth');
    const created = await call('POST', '/orders', {
      contentType: FORM,
      body: `order_id=${orderId}&amount=5.00`,
      authorization: basicAuth(apiKey, true),
    });
    assert.equal(created.status, 200, created.text);
    for (const authorization of [
      basicAuth(apiKey, true),
      basicAuth(apiKey, false),
      `basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
    ]) {
      const read = await call('GET', `/orders/${orderId}?order_id=${orderId}`, { authorization });
      assert.equal(read.status, 200, authorization);
      assert.equal(read.body.order_id, orderId);
    }
    const wrong = await call('GET', `/orders/${orderId}`, { authorization: basicAuth(`${apiKey}x`, false) });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { status: 'error', error_code: 'access_denied', error_message: 'Invalid Authentication' });
  });

  it('chunked form bodies, split anywhere (even inside a key), are read whole', async () => {
    const orderId = newOrderId('chunk');
    const created = await call('POST', '/orders', {
      contentType: FORM,
      chunks: [`order_id=${orderId}&amo`, 'unt=100', '.25&metadata.txns.auto_', 'capture=false&udf1=a%20b'],
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.amount, 100.25);
    assert.equal(created.body.udf1, 'a b');
    const txnBody = `order_id=${orderId}&payment_method_type=CARD&card_number=${CARDS.ok}&card_exp_month=12&card_exp_year=35&card_security_code=123&format=json&merchant_id=ignored`;
    const txn = await call('POST', '/txns', {
      contentType: FORM,
      chunks: [txnBody.slice(0, 30), txnBody.slice(30, 31), txnBody.slice(31)],
    });
    assert.equal(txn.status, 200, txn.text);
    assert.equal(txn.body.status, 'AUTHORIZED');
    const capture = await call('POST', `/v2/txns/${txn.body.txn_uuid}/capture`, {
      contentType: FORM,
      chunks: ['amount=40', '.25&idempotence_', 'key=ck1'],
    });
    assert.equal(capture.status, 200, capture.text);
    assert.equal(capture.body.status, 'PARTIAL_CHARGED');
    assert.deepEqual(await orderLedger(server.db, created.body.id), {
      authorized: 10025,
      captured: 4025,
      reversed: 6000,
      refunded: 0,
      held: 0,
      merchant: 4025,
    });
    const refund = await call('POST', `/orders/${orderId}/refunds`, {
      contentType: 'application/json',
      chunks: ['{"unique_request_', 'id":"rf1","amo', 'unt":"5.25"}'],
    });
    assert.equal(refund.status, 200, refund.text);
    assert.equal(refund.body.amount_refunded, 5.25);
    const chunked = seen.filter((r) => r.url.startsWith('/orders') || r.url.startsWith('/txns') || r.url.startsWith('/v2/'));
    assert.ok(chunked.filter((r) => r.headers['transfer-encoding'] === 'chunked').length >= 4, 'the bodies really went out chunked');
  });

  it('chunked JSON bodies, and an empty chunked body on void (as the SDK sends it)', async () => {
    const orderId = newOrderId('cjson');
    const json = JSON.stringify({ order_id: orderId, amount: '30.00', metadata: { txns: { auto_capture: false } } });
    const created = await call('POST', '/orders', {
      contentType: 'application/json',
      chunks: [json.slice(0, 7), json.slice(7, 40), json.slice(40)],
    });
    assert.equal(created.status, 200, created.text);
    const txn = await call('POST', '/txns', {
      contentType: 'application/json',
      chunks: [
        JSON.stringify({
          order_id: orderId,
          payment_method_type: 'CARD',
          card_number: CARDS.ok,
          card_exp_month: '12',
          card_exp_year: '35',
          format: 'json',
        }),
      ],
    });
    assert.equal(txn.body.status, 'AUTHORIZED');
    const voided = await call('POST', `/v2/txns/${txn.body.txn_uuid}/void`, {
      contentType: FORM,
      chunks: [],
      headers: { 'transfer-encoding': 'chunked' },
    });
    assert.equal(voided.status, 200, voided.text);
    assert.equal(voided.body.status, 'VOIDED');
    const last = seen.at(-1)!;
    assert.equal(last.headers['transfer-encoding'], 'chunked');
    assert.equal(last.headers['content-length'], undefined);
  });

  it('an odd Host header (the SDK sends "localhost:<port>:<port>") and unknown query parameters are ignored', async () => {
    const orderId = newOrderId('host');
    await call('POST', '/orders', { contentType: FORM, body: `order_id=${orderId}&amount=1.00` });
    const read = await call('GET', `/orders/${orderId}?order_id=${orderId}&options.add_full_gateway_response=true`, {
      headers: {
        host: `localhost:${server.port}:${server.port}`,
        'x-merchantid': 'whatever',
        version: '2019-05-07',
        'x-routing-id': 'cust-1',
      },
    });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.status, 'NEW');
  });
});
