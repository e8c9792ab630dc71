/**
 * One OTP submission wins: the challenge is claimed before the gateway is
 * asked, so of many submissions at once — right and wrong OTPs, through the API and the page —
 * exactly one reaches the gateway, and the order ends as that one's answer says. The expiry job
 * stands back while a claimed answer is on its way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SandboxConnector } from '../../src/connectors/sandbox.js';
import { assertLedgerInvariants } from '../helpers/ledger-check.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { ScriptedConnector } from '../helpers/scripted-connector.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CHALLENGE_CARD = '4000000000003220';

describe('OTP submissions racing for one challenge', () => {
  let server: TestServer;
  let client: PineLabsClient;
  const gateway = new ScriptedConnector();
  const sandbox = new SandboxConnector();
  let calls: string[] = [];
  before(async () => {
    server = await startTestServer({}, { connectors: [gateway] });
    client = await PineLabsClient.login(server.baseUrl, await server.newMerchant('OTP race', { connector: gateway.name }));
  });
  after(() => server.close());

  /** The gateway answers after a pause, so that every submission is in flight before the first answer. */
  function slowGateway(): void {
    calls = [];
    gateway.play({
      completeAuthentication: async (request) => {
        calls.push(request.otp);
        await new Promise((resolve) => setTimeout(resolve, 150));
        return sandbox.completeAuthentication(request);
      },
    });
  }

  async function challenged(): Promise<{ orderId: string; paymentId: string }> {
    gateway.play({});
    const created = await client.createOrder(3000);
    const orderId = created.body.data.order_id as string;
    const paid = await client.pay(orderId, 3000, CHALLENGE_CARD);
    assert.equal(paid.body.data.status, 'PENDING', JSON.stringify(paid.body));
    return { orderId, paymentId: paid.body.data.payments[0].id as string };
  }

  const submit = (paymentId: string, otp: string) => client.request('POST', '/api/pay/v1/otp/submit', { payment_id: paymentId, otp });

  it('ten submissions at once, right and wrong: one reaches the gateway, and the order is what its OTP decides', async () => {
    for (let round = 0; round < 3; round++) {
      const { orderId, paymentId } = await challenged();
      slowGateway();
      const otps = Array.from({ length: 10 }, (_, i) => (i % 3 === round % 3 ? '000000' : '123456'));
      const replies = await Promise.all(otps.map((otp) => submit(paymentId, otp)));
      assert.equal(calls.length, 1, `round ${round}: the gateway was asked ${calls.length} times`);
      const expected = calls[0] === '123456' ? 'AUTHORIZED' : 'ATTEMPTED';
      assert.equal((await client.getOrder(orderId)).body.data.status, expected, `round ${round}`);
      const answered = replies.filter((r) => r.status === 200 || r.body.code === 'USER_AUTHENTICATION_FAILED');
      assert.equal(answered.length, 1, `round ${round}: one submission carries the outcome`);
      for (const reply of replies) {
        assert.ok(reply.status < 500, JSON.stringify(reply.body));
        if (!answered.includes(reply)) assert.equal(reply.body.code, 'OPERATION_NOT_ALLOWED', JSON.stringify(reply.body));
      }
    }
    await assertLedgerInvariants(server.db);
  });

  it('the expiry job waits while a claimed answer is on its way, and does nothing once it is recorded', async () => {
    const { orderId, paymentId } = await challenged();
    let release = () => {};
    calls = [];
    gateway.play({
      completeAuthentication: async (request) => {
        calls.push(request.otp);
        await new Promise<void>((resolve) => (release = resolve));
        return sandbox.completeAuthentication(request);
      },
    });
    const answer = submit(paymentId, '123456');
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    server.clock.advance(11 * 60_000);
    await server.runJobs();
    assert.equal(
      (await client.getOrder(orderId)).body.data.status,
      'PENDING',
      'the job did not fail a payment whose OTP is being answered',
    );
    release();
    assert.equal((await answer).status, 200);
    assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
    server.clock.advance(60_000);
    await server.runJobs();
    assert.equal((await client.getOrder(orderId)).body.data.status, 'AUTHORIZED');
  });
});
