/**
 * An upstream's webhook that arrives while one of the front's operations is still under way at
 * that upstream (docs/gateways.md "Upstream webhooks and returns"): the front must not ask about
 * the operation yet, find nothing, and send it a second time — the upstream refuses a second void
 * while the first is in progress, and that refusal would be recorded as the void's outcome while
 * the first void goes through. Found by the crash run through the chain (scripts/crash-safety.ts --chain).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationOutcome } from '../../src/connectors/gateway.js';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { settleFromUpstream } from '../../src/core/upstream-resolution.js';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkUpstream, routeTo, type Upstream } from '../helpers/upstream-chain.js';

/** Waits until `ready()` holds (the other side's progress, not a time), failing after 200 looks. */
async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let look = 0; look < 200; look++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`never happened: ${what}`);
}

describe('an upstream webhook while an operation is under way at the upstream', () => {
  const acquirer = new ScriptedConnector('held-acquirer');
  let front: TestServer;
  let upstream: Upstream;
  let merchant: MerchantCredentials;
  let accountId: string;
  let client: PineLabsClient;

  before(async () => {
    const [frontServer, upstreamServer] = await Promise.all([startTestServer(), startTestServer({}, { connectors: [acquirer] })]);
    front = frontServer;
    upstream = {
      kind: 'juspay',
      server: upstreamServer,
      merchant: await upstreamServer.newMerchant('Upstream', { connector: acquirer.name }),
    };
    merchant = await front.newMerchant('Front merchant');
    accountId = await linkUpstream(front, merchant.merchant_id, upstream, 'juspay', { webhooks: false });
    await routeTo(front, merchant.merchant_id, [accountId]);
    client = await PineLabsClient.login(front.baseUrl, merchant);
  });
  after(async () => {
    await Promise.all([front.close(), upstream.server.close()]);
  });

  it('a void still in progress upstream is left to its own call: voided once, and shown voided on both', async () => {
    const orderId = await client.authorizedOrder(12_000, VISA_OK);
    let voidsAtAcquirer = 0;
    let letVoidThrough = () => {};
    const voidHeld = new Promise<void>((resolve) => (letVoidThrough = resolve));
    acquirer.play({
      reverse: async (request): Promise<OperationOutcome> => {
        voidsAtAcquirer += 1;
        await voidHeld;
        return { kind: 'succeeded', gatewayReference: `void-${request.operationId}` };
      },
    });

    const cancelling = client.cancel(orderId);
    // The upstream writes its void before calling its acquirer: once written, the front's call is under way there.
    await until(
      async () => (await upstream.server.db.query("select 1 from reversals where kind = 'VOID'")).length > 0,
      'the void reached the upstream',
    );
    const [payment] = await front.db.query<{ id: string; connector_reference: string }>(
      'select id, connector_reference from payments where order_id = $1',
      [orderId],
    );
    assert.ok(payment);
    // The upstream's webhook (say, its ORDER_AUTHORIZED, delivered late) arrives now.
    await settleFromUpstream(front.app.ctx, accountId, { paymentId: payment.id, connectorReference: payment.connector_reference });
    letVoidThrough();

    const cancelled = await cancelling;
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.data.status, 'CANCELLED');
    assert.equal(voidsAtAcquirer, 1, 'the void went through the upstream once');
    const [frontOrder] = await front.db.query<{ state: string }>('select state from orders where id = $1', [orderId]);
    assert.equal(frontOrder?.state, 'VOIDED');
    const upstreamOrders = await upstream.server.db.query<{ state: string }>('select state from orders');
    assert.deepEqual(
      upstreamOrders.map((o) => o.state),
      ['VOIDED'],
    );
    const reversals = await front.db.query<{ status: string }>('select status from reversals where order_id = $1', [orderId]);
    assert.deepEqual(
      reversals.map((r) => r.status),
      ['SUCCEEDED'],
    );
    await assertLedgerInvariants(front.db);
    await assertLedgerInvariants(upstream.server.db);
  });
});
