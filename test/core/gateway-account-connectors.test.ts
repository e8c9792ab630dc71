/**
 * Connector names of the form gwa_… are gateway accounts (docs/gateways.md): a payment through a
 * merchant whose connector is an account goes end to end; disabling the account keeps new payments
 * away from it (routing) but not its capture or void; a name that stands for nothing, or an account
 * whose kind has no connector, gives an unknown outcome and never a throw; a change made by another
 * process is seen within a second.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildAcquirerServer, type AcquirerSimulator } from '../../src/acquirer/server.js';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { updateMerchant } from '../../src/core/admin/merchant-admin.js';
import { addGatewayAccount, setGatewayAccountEnabled } from '../../src/core/gateway-accounts.js';
import type { GatewayAccountInput } from '../../src/core/gateway-account-input.js';
import { assertLedgerInvariants, orderLedger } from '../helpers/ledger-check.js';
import { PineLabsClient, VISA_OK } from '../helpers/pinelabs-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const origin = { actor: CLI_ACTOR };

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail('did not happen within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway accounts as connectors', () => {
  let server: TestServer;
  let simulator: AcquirerSimulator;
  let acquirerUrl: string;

  before(async () => {
    simulator = await buildAcquirerServer({ faults: { seed: 3 } });
    acquirerUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    await simulator.app.close();
  });

  /** A new merchant whose connector is a new account of `input`; its Pine Labs session and the account id. */
  async function merchantOnAccount(input: Omit<GatewayAccountInput, 'credentials'> & Partial<Pick<GatewayAccountInput, 'credentials'>>) {
    const merchant = await server.newMerchant(`On ${input.name}`);
    const added = await addGatewayAccount(server.app.ctx, merchant.merchant_id, { credentials: {}, ...input }, origin);
    assert.ok('account' in added, JSON.stringify(added));
    const accountId = added.account.id;
    assert.ok(await updateMerchant(server.app.ctx, merchant.merchant_id, { connector: accountId }, origin));
    return { merchantId: merchant.merchant_id, accountId, client: await PineLabsClient.login(server.baseUrl, merchant) };
  }

  const connectorOf = async (orderId: string) =>
    (await server.db.query<{ connector: string }>('select connector from payments where order_id = $1', [orderId])).map((r) => r.connector);

  it('a payment through a sandbox account: authorized and captured there; disabled, its capture and void still go through', async () => {
    const { merchantId, accountId, client } = await merchantOnAccount({ name: 'sandbox account', kind: 'sandbox' });
    const toCapture = await client.authorizedOrder(10_000);
    const toVoid = await client.authorizedOrder(5_000);
    assert.deepEqual(await connectorOf(toCapture), [accountId], 'the payment names the account that authorized it');
    const declined = await client.createOrder(3_000);
    const decline = await client.pay(declined.body.data.order_id, 3_000, '4000000000000002');
    assert.equal(decline.body.data.payments[0].status, 'FAILED', 'the sandbox account decides by test card as the sandbox does');

    const disabled = await setGatewayAccountEnabled(server.app.ctx, accountId, false, origin);
    assert.ok('account' in disabled && disabled.account.disabled_at !== null);
    assert.deepEqual(await server.app.ctx.gatewayAccounts.routableAccounts(merchantId), [], 'routing may no longer choose it');

    const captured = await client.capture(toCapture, {
      merchant_capture_reference: 'cap-after-disable',
      capture_amount: { value: 10_000, currency: 'INR' },
    });
    assert.equal(captured.status, 200, JSON.stringify(captured.body));
    assert.equal(captured.body.data.status, 'PROCESSED');
    assert.deepEqual(await orderLedger(server.db, toCapture), {
      authorized: 10_000,
      captured: 10_000,
      reversed: 0,
      refunded: 0,
      held: 0,
      merchant: 10_000,
    });
    const voided = await client.cancel(toVoid);
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    assert.equal(voided.body.data.status, 'CANCELLED');
    const refunded = await client.refund(toCapture, 4_000);
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.equal((await orderLedger(server.db, toCapture)).refunded, 4_000);
    await assertLedgerInvariants(server.db);
  });

  it('an http-acquirer account sends the payment to its base URL', async () => {
    const { accountId, client } = await merchantOnAccount({ name: 'acquirer account', kind: 'http-acquirer', baseUrl: acquirerUrl });
    const orderId = await client.authorizedOrder(7_000);
    const captured = await client.capture(orderId, {
      merchant_capture_reference: 'cap-acq',
      capture_amount: { value: 7_000, currency: 'INR' },
    });
    assert.equal(captured.body.data.status, 'PROCESSED');
    const [paymentId] = (await server.db.query<{ id: string }>('select id from payments where order_id = $1', [orderId])).map((r) => r.id);
    assert.ok(paymentId);
    assert.equal(simulator.ledger.authorizationByPayment(paymentId)?.amount, 7_000, 'the acquirer holds the authorization');
    assert.deepEqual(
      simulator.ledger
        .effects()
        .filter((e) => e.reference === simulator.ledger.authorizationByPayment(paymentId)?.reference)
        .map((e) => e.kind),
      ['authorization', 'capture'],
    );
    assert.deepEqual(await connectorOf(orderId), [accountId]);
  });

  it('a name that stands for nothing, or an account whose kind has no connector here, is an unknown outcome, never a throw', async () => {
    const request = {
      paymentId: 'pay_gwa_unknown_1',
      amount: 100,
      currency: 'INR',
      capture: false,
      card: { number: VISA_OK, cvv: '123', expiryMonth: '12', expiryYear: '2035', holderName: null, network: 'VISA' as const },
    };
    const nothing = await server.app.ctx.gateway.authorize('gwa_doesnotexist0000000', request);
    assert.equal(nothing.kind, 'unknown');
    const operation = {
      operationId: 'cap_gwa_unknown_1',
      paymentId: 'pay_gwa_unknown_1',
      connectorReference: 'x',
      amount: 100,
      currency: 'INR',
    };
    assert.equal((await server.app.ctx.gateway.operate('gwa_doesnotexist0000000', 'capture', operation)).kind, 'unknown');

    const merchant = await server.newMerchant('Upstream without connector');
    const added = await addGatewayAccount(
      server.app.ctx,
      merchant.merchant_id,
      // Nothing listens on port 1: were a connector registered for the kind, its request could not be sent.
      { name: 'pine', kind: 'pinelabs-online', baseUrl: 'http://127.0.0.1:1', credentials: { clientId: 'id', clientSecret: 'secret' } },
      origin,
    );
    assert.ok('account' in added);
    assert.equal((await server.app.ctx.gateway.authorize(added.account.id, request)).kind, 'unknown');
  });

  it('one connector per account and process, kept while the account is unchanged; another process’s change is seen within a second', async () => {
    const merchant = await server.newMerchant('Changed elsewhere');
    const added = await addGatewayAccount(
      server.app.ctx,
      merchant.merchant_id,
      { name: 'acq', kind: 'http-acquirer', baseUrl: acquirerUrl, credentials: {} },
      origin,
    );
    assert.ok('account' in added);
    const id = added.account.id;
    const accounts = server.app.ctx.gatewayAccounts;
    const first = await accounts.resolve(id);
    assert.ok(first);
    assert.equal(await accounts.resolve(id), first);

    // Another process disables it and moves it (written straight to the database, as that process would).
    await server.db.query("update gateway_accounts set disabled_at = now(), base_url = $2 || '/moved', updated_at = now() where id = $1", [
      id,
      acquirerUrl,
    ]);
    await eventually(async () => (await accounts.resolve(id)) !== first);
    assert.equal(await accounts.isDisabled(id), true);
    assert.ok(await accounts.resolve(id), 'a disabled account still resolves: what it authorized must reach it');
    assert.deepEqual(await accounts.routableAccounts(merchant.merchant_id), []);
  });
});
