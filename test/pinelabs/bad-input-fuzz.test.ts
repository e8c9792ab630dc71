import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import {
  assertNoInternals,
  assertPineLabsError,
  endpointsFor,
  JSON_TYPE,
  mulberry32,
  newTarget,
  send,
  type Endpoint,
  type SendOptions,
  type Target,
} from './helpers/bad-input.js';

/**
 * Generated requests (a fixed seed, so a failure replays exactly) against every Pine Labs endpoint,
 * aimed at a merchant and orders of the test's own: no answer is a 5xx or shows the server's
 * internals, and every error is in Pine Labs' error shape.
 */
describe('Pine Labs: malformed requests to every endpoint → 4xx in Pine Labs shape', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  describe('fuzz: 200 generated requests (fixed seed) never produce a 5xx', () => {
    it('random JSON bodies and ids against every endpoint', async () => {
      const t: Target = await newTarget(server);
      const endpoints: Endpoint[] = endpointsFor(t);
      const request = (e: Endpoint, options: SendOptions = {}) => send(server, t, e, options);
      const random = mulberry32(0x5eed_f00d);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      // No U+0000 and no lone surrogates here: those have their own tests (bad-input-unstorable.test.ts).
      const alphabet = [
        ...Array.from('abcXYZ0189-_ #%"\\/.:@&=+'),
        '\u0001',
        '\u0007',
        '\u001f',
        '\u007f',
        'é',
        '漢',
        '😀',
        '\u202e',
        '\ufeff',
        '\u2028',
        '\t',
        '\n',
      ];
      const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick(alphabet)).join('');
      const keys = [
        'merchant_order_reference',
        'order_amount',
        'value',
        'currency',
        'pre_auth',
        'payments',
        'merchant_payment_reference',
        'payment_method',
        'payment_amount',
        'payment_option',
        'card_details',
        'card_number',
        'cvv',
        'expiry_month',
        'expiry_year',
        'merchant_capture_reference',
        'capture_amount',
        'merchant_metadata',
        'purchase_details',
        'client_id',
        'client_secret',
        'grant_type',
        'notes',
        'callback_url',
        '__proto__',
        'constructor',
        'prototype',
        '',
      ];
      const numbers = [0, 1, -1, 1.5, 100, 10000, 100_000_000, 100_000_001, 2 ** 53, -(2 ** 31), 1e308, 0.1];
      const strings = ['INR', 'USD', 'inr', 'CARD', 'UPI', 'client_credentials', '4111111111111111', '12', '2035', '123', 'true'];
      const json = (depth: number): string => {
        const kind = depth >= 4 ? Math.floor(random() * 4) : Math.floor(random() * 7);
        switch (kind) {
          case 0:
            return pick(['null', 'true', 'false']);
          case 1:
            return String(pick(numbers));
          case 2:
            return JSON.stringify(random() < 0.5 ? pick(strings) : text(60));
          case 3:
            return JSON.stringify(text(8));
          case 4:
            return `[${Array.from({ length: Math.floor(random() * 4) }, () => json(depth + 1)).join(',')}]`;
          default:
            return `{${Array.from({ length: Math.floor(random() * 6) }, () => `${JSON.stringify(random() < 0.8 ? pick(keys) : text(10))}:${json(depth + 1)}`).join(',')}}`;
        }
      };
      const randomId = () => {
        let id = encodeURIComponent(text(12));
        while (id.length > 90) id = id.slice(0, id.lastIndexOf('%'));
        // "." and ".." are dot segments: the client itself resolves them into another route.
        return id === '' || /^\.{1,2}$/.test(id) ? `x${id}` : id;
      };

      const statuses = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        const e = endpoints[i % endpoints.length]!;
        const id = e.hasId && (!e.takesBody || random() < 0.3) ? randomId() : undefined;
        const rawBody = random() < 0.1 ? text(40) : json(0);
        const reply = await request(e, { ...(id !== undefined ? { id } : {}), ...(e.takesBody ? { rawBody, headers: JSON_TYPE } : {}) });
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (e.hasId || e.validBody === undefined || e.method !== 'POST' || !e.name.includes('token')) {
          assert.notEqual(reply.status, 401, `fuzz #${i}: the bearer token is never refused (${JSON.stringify(reply.body)})`);
        }
        const label = `fuzz #${i} ${e.method} ${e.path(id)} ${rawBody.slice(0, 200)}`;
        assert.ok(reply.status < 500, `${label} → ${reply.status} ${JSON.stringify(reply.body)}`);
        assertNoInternals(reply, label);
        if (reply.status >= 400) assertPineLabsError(reply, label);
      }
      // The generator really exercised the error paths (and was not, say, rejected wholesale by auth).
      assert.ok((statuses.get(400) ?? 0) > 50, `many 400s: ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(404) ?? 0) > 10, `some 404s: ${JSON.stringify([...statuses])}`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      await assertLedgerInvariants(server.db);
    });
  });
});
