import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildAcquirerServer, type AcquirerSimulator } from '../../src/acquirer/server.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { JuspayHttp } from '../juspay/helpers/juspay-http.js';

const FAULTS = ['timeoutRate', 'errorRate', 'resetRate', 'lateSuccessRate'] as const;

describe('Holdfast through the HTTP acquirer: every fault ends in the true outcome', () => {
  let simulator: AcquirerSimulator;
  let server: TestServer;
  let pine: PineLabsClient;
  let juspay: JuspayHttp;
  let merchant: Awaited<ReturnType<TestServer['newMerchant']>>;
  before(async () => {
    simulator = await buildAcquirerServer({ faults: { seed: 7 } });
    const acquirerUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
    server = await startTestServer({
      HOLDFAST_ACQUIRER_URL: acquirerUrl,
      HOLDFAST_ACQUIRER_TIMEOUT: '300ms',
      HOLDFAST_CONNECTOR: 'http-acquirer',
    });
    merchant = await server.newMerchant('Acquirer merchant', {});
    await server.db.query("update merchants set connector = 'http-acquirer' where id = $1", [merchant.merchant_id]);
    pine = await PineLabsClient.login(server.baseUrl, merchant);
    juspay = new JuspayHttp(server.baseUrl, merchant.api_key);
  });
  after(async () => {
    await server.close();
    await simulator.app.close();
  });

  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      server.clock.advance(60_000);
      await server.runJobs();
    }
  };
  const stateOf = async (orderId: string) =>
    (await server.db.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]!.state;

  for (const fault of FAULTS) {
    it(`capture under ${fault}: shown AUTHORIZED while unknown, then captured by the sync`, async () => {
      simulator.configureFaults({});
      const orderId = await pine.authorizedOrder(9000);
      simulator.configureFaults({ [fault]: 1 });
      const captured = await pine.capture(orderId, {
        merchant_capture_reference: `cap-${fault}`,
        capture_amount: { value: 6000, currency: 'INR' },
      });
      assert.equal(captured.status, 200);
      assert.equal(captured.body.data.status, 'AUTHORIZED', 'Pine Labs shows the authorization while the outcome is unknown');
      assert.equal(await stateOf(orderId), 'CAPTURE_PENDING');
      const reference = (
        await server.db.query<{ merchant_order_reference: string }>('select merchant_order_reference from orders where id = $1', [orderId])
      )[0]!;
      assert.equal(
        (await juspay.status(reference.merchant_order_reference)).body.status,
        'AUTHORIZED',
        'Juspay too: no answer is not CAPTURE_INITIATED',
      );
      assert.equal((await orderLedger(server.db, orderId)).captured, 0, 'nothing is guessed');
      simulator.configureFaults({});
      await settle();
      assert.equal(await stateOf(orderId), 'PARTIALLY_CAPTURED');
      assert.deepEqual(await orderLedger(server.db, orderId), {
        authorized: 9000,
        captured: 6000,
        reversed: 3000,
        refunded: 0,
        held: 0,
        merchant: 6000,
      });
      pine = await PineLabsClient.login(server.baseUrl, merchant);
    });
  }

  it('an authorization under a timeout is settled by inquiry: approved at the bank → AUTHORIZED', async () => {
    simulator.configureFaults({ lateSuccessRate: 1 });
    const order = await pine.createOrder(4000);
    const orderId = order.body.data.order_id;
    const paid = await pine.pay(orderId, 4000);
    assert.equal(paid.body.data.status, 'PENDING');
    simulator.configureFaults({});
    await settle();
    assert.equal(await stateOf(orderId), 'AUTHORIZED');
    assert.equal((await orderLedger(server.db, orderId)).held, 4000);
    pine = await PineLabsClient.login(server.baseUrl, merchant);
  });

  it('an authorization that never reached the bank (503) is settled as declined, with nothing held', async () => {
    simulator.configureFaults({ errorRate: 1 });
    const order = await pine.createOrder(4000);
    const orderId = order.body.data.order_id;
    await pine.pay(orderId, 4000);
    simulator.configureFaults({});
    await settle();
    assert.equal(await stateOf(orderId), 'ATTEMPTED');
    assert.equal((await orderLedger(server.db, orderId)).authorized, 0);
    pine = await PineLabsClient.login(server.baseUrl, merchant);
  });

  it('test cards through the acquirer: pending capture, timed-out capture and pending void reach their true outcome', async () => {
    simulator.configureFaults({});
    const pendingCapture = await pine.authorizedOrder(5000, '4000000000000077');
    const timedOut = await pine.authorizedOrder(5000, '4000000000000093');
    const pendingVoid = await pine.authorizedOrder(5000, '4000000000000101');
    await pine.capture(pendingCapture, { merchant_capture_reference: 'p' });
    await pine.capture(timedOut, { merchant_capture_reference: 't' });
    await pine.cancel(pendingVoid);
    assert.deepEqual(
      [await stateOf(pendingCapture), await stateOf(timedOut), await stateOf(pendingVoid)],
      ['CAPTURE_PENDING', 'CAPTURE_PENDING', 'VOID_PENDING'],
    );
    await settle();
    assert.deepEqual(
      [await stateOf(pendingCapture), await stateOf(timedOut), await stateOf(pendingVoid)],
      ['CAPTURED', 'CAPTURED', 'VOIDED'],
    );
    const effects = simulator.ledger;
    assert.ok(effects, 'the simulator kept its own record');
    await assertLedgerInvariants(server.db);
  });
});
