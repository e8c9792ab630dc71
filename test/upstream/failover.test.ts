/**
 * Failover that never authorizes twice (docs/failover.md), through a front Holdfast whose merchant
 * routes to two upstream Holdfasts: an upstream that refuses connections sends the authorization to
 * the second; the merchant sees one payment; capture goes to the gateway that authorized.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkUpstream, routeTo, startUpstream, type Upstream } from '../helpers/upstream-chain.js';

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('failover between two upstream gateways', () => {
  let front: TestServer;
  let first: Upstream;
  let second: Upstream;
  let merchant: MerchantCredentials;
  let client: PineLabsClient;

  before(async () => {
    [front, first, second] = await Promise.all([startTestServer(), startUpstream('pinelabs-online'), startUpstream('juspay')]);
    merchant = await front.newMerchant('Front merchant');
    client = await PineLabsClient.login(front.baseUrl, merchant);
  });
  after(async () => {
    await Promise.all([front.close(), first.server.close(), second.server.close()]);
  });

  it('an upstream that refuses connections: the authorization goes to the next one, once; capture follows it', async () => {
    const down = await linkUpstream(front, merchant.merchant_id, first, 'down', { baseUrl: await closedPort(), webhooks: false });
    const up = await linkUpstream(front, merchant.merchant_id, second, 'up');
    await routeTo(front, merchant.merchant_id, [down, up]);

    const orderId = await client.authorizedOrder(25_000, VISA_OK);
    const payments = await front.db.query<{ connector: string; status: string; failover_of: string | null; error_code: string | null }>(
      'select connector, status, failover_of, error_code from payments where order_id = $1 order by seq',
      [orderId],
    );
    assert.deepEqual(
      payments.map((p) => [p.connector, p.status, p.error_code]),
      [
        [down, 'FAILED', 'GATEWAY_UNREACHABLE'],
        [up, 'AUTHORIZED', null],
      ],
    );
    assert.ok(payments[1]?.failover_of);

    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'cap-1',
      capture_amount: { value: 25_000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    await assertLedgerInvariants(front.db);
    const ledger = await orderLedger(front.db, orderId);
    assert.equal(ledger.captured, 25_000, JSON.stringify(ledger));
  });
});
