import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MerchantCredentials } from '../../src/core/merchants.js';
import { adminClient } from '../helpers/admin.js';
import { assertLedgerInvariants, orderLedger, snapshot } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Test cards (docs/test-cards.md): a capture answered pending, a capture that times out, a void answered pending. */
const CAPTURE_PENDING = '4000000000000077';
const CAPTURE_TIMES_OUT = '4000000000000093';
const VOID_PENDING = '4000000000000101';

describe('admin API: sandbox tools', () => {
  let server: TestServer;
  let sandbox: MerchantCredentials;
  let client: PineLabsClient;
  const scripted = new ScriptedConnector('scripted-sandbox-tools');

  const state = async (orderId: string) =>
    (await server.db.query<{ state: string }>('select state from orders where id = $1', [orderId]))[0]!.state;
  const rowId = async (table: 'captures' | 'reversals', orderId: string) =>
    (await server.db.query<{ id: string }>(`select id from ${table} where order_id = $1`, [orderId]))[0]!.id;
  const auditOf = async (orderId: string) =>
    server.db.query<{ action: string; actor_kind: string }>(
      "select action, actor_kind from audit_log where target_type = 'order' and target_id = $1 order by id",
      [orderId],
    );

  before(async () => {
    server = await startTestServer({}, { connectors: [scripted] });
    sandbox = await server.newMerchant('Sandbox shop');
    client = await PineLabsClient.login(server.baseUrl, sandbox);
  });
  after(() => server.close());

  it('settles a capture the sandbox answered pending as succeeded: CAPTURED, captured in the ledger, audited', async () => {
    const orderId = await client.authorizedOrder(8000, CAPTURE_PENDING);
    await client.capture(orderId, { merchant_capture_reference: 'pending-cap' });
    assert.equal(await state(orderId), 'CAPTURE_PENDING');
    const captureId = await rowId('captures', orderId);

    const support = await adminClient(server, 'support');
    const settled = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: captureId, outcome: 'succeeded' });
    assert.equal(settled.status, 200);
    assert.equal(settled.body.order_id, orderId);
    assert.equal(settled.body.state, 'CAPTURED');
    assert.equal(settled.body.changed.operation.status, 'SUCCEEDED');
    assert.match(settled.body.changed.operation.gateway_reference, /^cap_/);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 8000,
      captured: 8000,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 8000,
    });
    assert.deepEqual(await auditOf(orderId), [{ action: 'sandbox.settle', actor_kind: 'token' }]);
    const [job] = await server.db.query('select id from jobs where job_key = $1', [`sync:${captureId}`]);
    assert.equal(job, undefined, 'the status inquiry is no longer needed');

    const again = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: captureId, outcome: 'succeeded' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'conflict');
    await assertLedgerInvariants(server.db);
  });

  it('settles a capture whose answer never came as failed: CAPTURE_FAILED with the sandbox’s decline, the hold kept', async () => {
    const orderId = await client.authorizedOrder(5000, CAPTURE_TIMES_OUT);
    await client.capture(orderId, { merchant_capture_reference: 'lost-cap' });
    assert.equal(await state(orderId), 'CAPTURE_PENDING');
    const captureId = await rowId('captures', orderId);
    const support = await adminClient(server, 'support');
    const settled = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: captureId, outcome: 'failed' });
    assert.equal(settled.status, 200);
    assert.equal(settled.body.state, 'CAPTURE_FAILED');
    const [row] = await server.db.query<{ status: string; error_code: string }>('select status, error_code from captures where id = $1', [
      captureId,
    ]);
    assert.deepEqual(row, { status: 'FAILED', error_code: 'CAPTURE_DECLINED' });
    assert.equal((await orderLedger(server.db, orderId)).held, 5000);
    await assertLedgerInvariants(server.db);
  });

  it('expiring the capture window releases the authorization as the auto-void would, with its postings', async () => {
    const orderId = await client.authorizedOrder(7000);
    assert.equal(await state(orderId), 'AUTHORIZED');
    const support = await adminClient(server, 'support');
    const expired = await support.post(`/sandbox/orders/${orderId}/expire-capture-window`);
    assert.equal(expired.status, 200);
    assert.equal(expired.body.order_id, orderId);
    assert.equal(expired.body.state, 'VOIDED');
    assert.equal(expired.body.changed.capture_deadline, server.clock.now().toISOString());
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 7000,
      captured: 0,
      reversed: 7000,
      refunded: 0,
      held: 0,
      merchant: 0,
    });
    const [release] = await server.db.query<{ kind: string; status: string }>('select kind, status from reversals where order_id = $1', [
      orderId,
    ]);
    assert.deepEqual(release, { kind: 'AUTO_VOID', status: 'SUCCEEDED' });
    const [job] = await server.db.query('select id from jobs where job_key = $1', [`auto-void:${orderId}`]);
    assert.equal(job, undefined, 'the clock’s auto-void job is done with');
    assert.deepEqual(await auditOf(orderId), [{ action: 'sandbox.expire_capture_window', actor_kind: 'token' }]);

    const again = await support.post(`/sandbox/orders/${orderId}/expire-capture-window`);
    assert.equal(again.status, 409);
    await assertLedgerInvariants(server.db);
  });

  it('a release the sandbox answers pending after the window closed is settled by the settle tool', async () => {
    const orderId = await client.authorizedOrder(3000, VOID_PENDING);
    const support = await adminClient(server, 'support');
    const expired = await support.post(`/sandbox/orders/${orderId}/expire-capture-window`);
    assert.equal(expired.status, 200);
    assert.equal(expired.body.state, 'VOID_PENDING');
    assert.equal((await orderLedger(server.db, orderId)).held, 3000, 'nothing released before the gateway says so');
    const releaseId = await rowId('reversals', orderId);
    const settled = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: releaseId, outcome: 'succeeded' });
    assert.equal(settled.status, 200);
    assert.equal(settled.body.state, 'VOIDED');
    assert.deepEqual(settled.body.changed.operation, {
      id: releaseId,
      kind: 'void',
      status: 'SUCCEEDED',
      gateway_reference: settled.body.changed.operation.gateway_reference,
    });
    assert.equal((await orderLedger(server.db, orderId)).reversed, 3000);
    await assertLedgerInvariants(server.db);
  });

  it('refuses a merchant on another connector (409), a viewer (403), bad input (400) and unknown orders (404), changing nothing', async () => {
    const elsewhere = await server.newMerchant('Real gateway shop', { connector: scripted.name });
    const other = await PineLabsClient.login(server.baseUrl, elsewhere);
    scripted.play({ capture: () => Promise.resolve({ kind: 'pending', gatewayReference: 'gw-1' }) });
    const orderId = await other.authorizedOrder(4000);
    await other.capture(orderId, { merchant_capture_reference: 'gw-pending' });
    scripted.play({});
    const captureId = await rowId('captures', orderId);
    const before = await snapshot(server.db, orderId);

    const support = await adminClient(server, 'support');
    const settle = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: captureId, outcome: 'succeeded' });
    assert.equal(settle.status, 409);
    assert.equal(settle.body.error, 'conflict');
    assert.match(settle.body.message, /sandbox/);
    const authorized = await other.authorizedOrder(1000);
    assert.equal((await support.post(`/sandbox/orders/${authorized}/expire-capture-window`)).status, 409);

    const sandboxOrder = await client.authorizedOrder(2000);
    const viewer = await adminClient(server, 'viewer');
    const forbidden = await viewer.post(`/sandbox/orders/${sandboxOrder}/expire-capture-window`);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'forbidden');
    assert.equal(await state(sandboxOrder), 'AUTHORIZED');

    assert.equal((await support.post(`/sandbox/orders/${sandboxOrder}/settle`, { operation_id: 'x', outcome: 'later' })).status, 400);
    assert.equal((await support.post(`/sandbox/orders/${sandboxOrder}/settle`, { outcome: 'failed' })).status, 400);
    assert.equal((await support.post('/sandbox/orders/ord_nope/expire-capture-window')).status, 404);
    const scoped = await adminClient(server, 'support', [elsewhere.merchant_id]);
    assert.equal((await scoped.post(`/sandbox/orders/${sandboxOrder}/expire-capture-window`)).status, 404);

    assert.equal(await state(sandboxOrder), 'AUTHORIZED');
    assert.deepEqual(await snapshot(server.db, orderId), before);
    assert.deepEqual(await auditOf(orderId), []);
    assert.deepEqual(await auditOf(sandboxOrder), []);
  });
});

describe('admin API: sandbox tools on a refund left pending', () => {
  let server: TestServer;
  // No test card leaves a refund pending: a scripted stand-in, registered under the sandbox's own
  // name, plays a sandbox whose refund answer never comes.
  const sandboxStandIn = new ScriptedConnector('sandbox');
  before(async () => {
    server = await startTestServer({}, { connectors: [sandboxStandIn] });
  });
  after(() => server.close());

  it('settles the refund as succeeded: FULLY_REFUNDED, refunded in the ledger, audited', async () => {
    const merchant = await server.newMerchant('Sandbox refunds');
    const client = await PineLabsClient.login(server.baseUrl, merchant);
    const orderId = await client.authorizedOrder(6000);
    await client.capture(orderId, { merchant_capture_reference: 'cap' });
    sandboxStandIn.play({ refund: () => Promise.resolve({ kind: 'unknown', reason: 'sandbox: refund timed out' }) });
    const refund = await client.refund(orderId, 6000, 'slow-refund');
    sandboxStandIn.play({});
    assert.equal(refund.body.data.status, 'PENDING');
    const [row] = await server.db.query<{ id: string }>('select id from refunds where order_id = $1', [orderId]);

    const support = await adminClient(server, 'support');
    const settled = await support.post(`/sandbox/orders/${orderId}/settle`, { operation_id: row!.id, outcome: 'succeeded' });
    assert.equal(settled.status, 200);
    assert.equal(settled.body.state, 'FULLY_REFUNDED');
    assert.equal(settled.body.changed.operation.kind, 'refund');
    assert.equal(settled.body.changed.operation.status, 'SUCCEEDED');
    assert.match(settled.body.changed.operation.gateway_reference, /^rfnd_/);
    assert.deepEqual(await orderLedger(server.db, orderId), {
      authorized: 6000,
      captured: 6000,
      reversed: 0,
      refunded: 6000,
      held: 0,
      merchant: 0,
    });
    const audit = await server.db.query<{ action: string }>('select action from audit_log where target_id = $1', [orderId]);
    assert.deepEqual(audit, [{ action: 'sandbox.settle' }]);
    await assertLedgerInvariants(server.db);
  });
});
