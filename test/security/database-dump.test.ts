/**
 * What a copy of the whole database reveals (docs/security.md): after card payments in both
 * dialects and through the hosted page, a dump of every table (and, on PostgreSQL, pg_dump's own
 * output) holds no card number, no security code, no unkeyed hash of either, and no key with which
 * any stored value can be recomputed from a card number or a request that carried one. The
 * attacker's method is the test's: take every 32-byte value in the dump as a candidate key, and
 * look for its HMAC of the card data among the stored values.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { canonicalJson } from '../../src/core/secrets.js';
import { submitHostedForm } from '../helpers/hosted-form.js';
import { call, uniqueRef } from '../helpers/pinelabs-client.js';
import { TEST_MASTER_KEY } from '../helpers/test-database.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp, newOrderId } from '../juspay/helpers/juspay-http.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';

const CARDS = {
  pineLabs: { number: '4242424242424242', cvv: '739', month: '11', year: '2031' },
  juspay: { number: '5555555555554444', cvv: '482', month: '10', year: '2032' },
  hosted: { number: '378282246310005', cvv: '9163', month: '09', year: '2033' },
};

/** Every table of the current schema, row by row as JSON text (bytea as \x hex). */
async function dumpTables(server: TestServer): Promise<string> {
  const tables = await server.db.query<{ name: string }>(
    `select quote_ident(table_name) as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await server.db.query<{ row: string }>(`select row_to_json(t)::text as row from ${name} t`);
    parts.push(`-- ${name}\n${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n');
}

/** pg_dump of the test's database when it runs on PostgreSQL and pg_dump is installed, else ''. */
function pgDump(url: string | undefined): string {
  if (!url) return '';
  const run = spawnSync('pg_dump', ['--no-owner', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return run.status === 0 ? run.stdout : '';
}

/** Every value in `dump` that could be a 32-byte key: hex (with or without \x) and base64 / base64url. */
function candidateKeys(dump: string): Buffer[] {
  const found = new Map<string, Buffer>();
  for (const m of dump.matchAll(/[0-9a-fA-F]{64}/g)) found.set(m[0].toLowerCase(), Buffer.from(m[0], 'hex'));
  for (const m of dump.matchAll(/[A-Za-z0-9+/_-]{43}=?/g)) {
    const bytes = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) found.set(bytes.toString('hex'), bytes);
  }
  return [...found.values()];
}

/** The forms a digest may be stored in. */
const encodings = (digest: Buffer) => [
  digest.toString('hex'),
  digest.toString('hex').toUpperCase(),
  digest.toString('base64'),
  digest.toString('base64url'),
];

describe('a dump of the whole database leads to no card number', () => {
  let server: TestServer;
  let dump: string;
  /** Texts made of card data the requests carried (card numbers, security codes, the requests themselves). */
  const secrets: string[] = [];

  before(async () => {
    server = await startTestServer();
    const merchant = await server.newMerchant('Dump');
    const pinelabs = await PineLabsClient.login(server.baseUrl, merchant);

    // Pine Labs API, with a Request-ID (so the request key's fingerprint is stored too).
    const created = await pinelabs.createOrder(7000);
    const orderId = created.body.data.order_id as string;
    const path = `/api/pay/v1/orders/${orderId}/payments`;
    const body = {
      payments: [
        {
          merchant_payment_reference: uniqueRef('dump'),
          payment_method: 'CARD',
          payment_amount: { value: 7000, currency: 'INR' },
          payment_option: {
            card_details: {
              name: 'Dump Holder',
              card_number: CARDS.pineLabs.number,
              cvv: CARDS.pineLabs.cvv,
              expiry_month: CARDS.pineLabs.month,
              expiry_year: CARDS.pineLabs.year,
            },
          },
        },
      ],
    };
    const paid = await call(server.baseUrl, 'POST', path, { token: pinelabs.token, body, headers: { 'Request-ID': uniqueRef('rid') } });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.data.status, 'AUTHORIZED');
    secrets.push(canonicalJson(body), canonicalJson({ method: 'POST', url: path, body }), canonicalJson(body.payments));

    // Juspay /txns.
    const juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
    const juspayOrder = newOrderId('dump');
    assert.equal((await juspay.request('POST', '/orders', { order_id: juspayOrder, amount: '80.00' })).status, 200);
    const txn = {
      order_id: juspayOrder,
      payment_method_type: 'CARD',
      card_number: CARDS.juspay.number,
      card_exp_month: CARDS.juspay.month,
      card_exp_year: CARDS.juspay.year,
      name_on_card: 'Dump Holder',
      card_security_code: CARDS.juspay.cvv,
      format: 'json',
    };
    const txnReply = await juspay.request('POST', '/txns', txn);
    assert.equal(txnReply.status, 200, JSON.stringify(txnReply.body));
    secrets.push(canonicalJson(txn));

    // The hosted page (Pine Labs hosted checkout).
    const checkout = await pinelabs.request('POST', '/api/checkout/v1/orders', {
      merchant_order_reference: uniqueRef('dumpchk'),
      order_amount: { value: 9000, currency: 'INR' },
      pre_auth: true,
      callback_url: 'https://merchant.example/done',
    });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    const page = `${server.baseUrl}/merchant/pay/${checkout.body.order_id as string}`;
    const form = {
      card_number: CARDS.hosted.number,
      expiry: `${CARDS.hosted.month}/${CARDS.hosted.year.slice(2)}`,
      cvv: CARDS.hosted.cvv,
      name: 'Page Payer',
    };
    const posted = await submitHostedForm(page, form);
    assert.ok(posted.status < 400, `hosted payment: ${posted.status}`);
    const hostedOrder = await pinelabs.getOrder(checkout.body.order_id as string);
    assert.equal(hostedOrder.body.data.status, 'AUTHORIZED', 'the hosted payment went through');
    secrets.push(canonicalJson(form));

    for (const card of Object.values(CARDS)) {
      secrets.push(
        card.number,
        card.cvv,
        `${card.number}${card.cvv}`,
        `${card.number}|${card.cvv}`,
        `${card.number}${card.month}${card.year}`,
      );
    }
    dump = `${await dumpTables(server)}\n${pgDump((server.db as { url?: string }).url)}`;
  });
  after(() => server.close());

  it('the dump is real: it holds the payments, with BIN and last 4 only', () => {
    for (const card of Object.values(CARDS)) {
      assert.ok(dump.includes(card.number.slice(-4)), 'last 4 stored');
      assert.ok(dump.includes(card.number.slice(0, 6)), 'BIN stored');
    }
  });

  it('no card number, in any grouping', () => {
    for (const card of Object.values(CARDS)) {
      assert.ok(!dump.includes(card.number), `card number ${card.number.slice(-4)} in the dump`);
      assert.ok(!dump.includes(card.number.replace(/(\d{4})(?=\d)/g, '$1 ')), 'spaced card number in the dump');
      assert.ok(!dump.includes(card.number.slice(6)), 'the digits after the BIN in the dump');
    }
  });

  it('no column that could hold a card number or security code', async () => {
    const columns = await server.db.query<{ name: string }>(
      `select table_name || '.' || column_name as name from information_schema.columns where table_schema = current_schema()`,
    );
    const suspicious = columns.map((c) => c.name).filter((n) => /cvv|cvc|security_code|card_number|\.pan$/i.test(n));
    assert.deepEqual(suspicious, []);
  });

  it('no unkeyed hash of a card number, security code or request', () => {
    for (const text of secrets) {
      for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
        for (const form of encodings(createHash(algorithm).update(text, 'utf8').digest())) {
          assert.ok(!dump.includes(form), `${algorithm} of card data in the dump`);
        }
      }
    }
  });

  it('no key in the dump recomputes any stored value from card data', () => {
    const keys = candidateKeys(dump);
    assert.ok(keys.length > 0, 'the dump has 32-byte values to try (fingerprints, hashes)');
    for (const key of keys) {
      for (const text of secrets) {
        for (const form of encodings(createHmac('sha256', key).update(text, 'utf8').digest())) {
          assert.ok(!dump.includes(form), 'a value in the dump is the HMAC of card data under a key in the dump');
        }
      }
    }
  });

  it('neither the master key nor any opened data key is in the dump', () => {
    assert.ok(!dump.toLowerCase().includes(TEST_MASTER_KEY), 'the master key');
    for (const purpose of ['token_signing', 'card_fingerprint', 'request_fingerprint', 'secret_encryption'] as const) {
      const secret = server.app.ctx.keys.current(purpose).secret;
      for (const form of encodings(secret)) assert.ok(!dump.includes(form), `the ${purpose} key`);
    }
  });

  it('the card fingerprint still tells the same card apart without the database holding its key', () => {
    const stored = [...dump.matchAll(/"card_fingerprint":"([0-9a-f]{64})"/g)].map((m) => m[1]);
    assert.equal(stored.length, 3, 'three card payments fingerprinted');
    assert.ok(stored.includes(server.app.ctx.keys.cardFingerprint(CARDS.pineLabs.number)));
  });
});
