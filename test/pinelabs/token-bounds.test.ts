/**
 * Bearer tokens are bounded: a token signed with Holdfast's key but
 * for a merchant that does not exist, or no longer exists, is a 401 in Pine Labs' shape — never a
 * 5xx — and a token cannot claim a longer life than Holdfast gives (HOLDFAST's one hour), nor an
 * issue time in the future, nor none.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createSigner } from 'fast-jwt';
import { MERCHANT_STATUS_TTL_MS } from '../../src/core/merchant-status.js';
import { call, PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('bearer tokens are bounded', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const signed = (claims: Record<string, unknown>) => {
    const key = server.app.ctx.keys.current('token_signing');
    return createSigner({ key: key.secret, kid: key.id, algorithm: 'HS256', noTimestamp: !('iat' in claims) })(claims);
  };
  const nowS = () => Math.floor(server.clock.now().getTime() / 1000);
  const createOrder = (token: string) =>
    call(server.baseUrl, 'POST', '/api/pay/v1/orders', {
      token,
      body: { merchant_order_reference: uniqueRef('tb'), order_amount: { value: 1000, currency: 'INR' } },
    });
  const assertUnauthorized = (reply: { status: number; body: unknown }, label: string) => {
    assert.equal(reply.status, 401, `${label}: ${JSON.stringify(reply.body)}`);
    assert.deepEqual(reply.body, { code: 'UNAUTHORIZED', message: 'Unauthorized' }, label);
  };

  it('a well-signed token for a merchant that does not exist: 401, nothing stored', async () => {
    const before = await server.db.query('select count(*)::int as n from orders');
    assertUnauthorized(await createOrder(signed({ sub: 'mer_nobody', iat: nowS(), exp: nowS() + 600 })), 'unknown merchant');
    assert.deepEqual(await server.db.query('select count(*)::int as n from orders'), before);
  });

  it('a merchant removed after its token was issued is refused within a second', async () => {
    const merchant = await server.newMerchant('Short-lived');
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    assert.equal((await createOrder(client.token)).status, 200);
    await server.db.query('delete from orders where merchant_id = $1', [merchant.merchant_id]);
    await server.db.query('delete from merchants where id = $1', [merchant.merchant_id]);
    await sleep(MERCHANT_STATUS_TTL_MS + 100);
    assertUnauthorized(await createOrder(client.token), 'removed merchant');
  });

  it('a token longer-lived than Holdfast issues, issued in the future, or without an issue time: 401', async () => {
    const { merchant_id: sub } = await server.newMerchant('Bounds');
    const hour = 3600;
    assert.equal((await createOrder(signed({ sub, iat: nowS(), exp: nowS() + hour }))).status, 200, 'a token as Holdfast issues it');
    assertUnauthorized(await createOrder(signed({ sub, iat: nowS(), exp: nowS() + hour + 60 })), 'longer than an hour');
    assertUnauthorized(await createOrder(signed({ sub, iat: nowS() - 10 * 365 * 24 * hour, exp: nowS() + 600 })), 'issued ten years ago');
    assertUnauthorized(await createOrder(signed({ sub, iat: nowS() + 3 * hour, exp: nowS() + 3 * hour + 600 })), 'issued in the future');
    assertUnauthorized(await createOrder(signed({ sub, exp: nowS() + 600 })), 'no issue time');
  });
});
