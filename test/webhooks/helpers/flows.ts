/** The payment flows of both dialects whose webhook events the delivery tests follow (see delivery.ts). */
import assert from 'node:assert/strict';
import { PineLabsClient, uniqueRef } from '../../helpers/pinelabs-client.js';
import type { TestServer } from '../../helpers/test-server.js';
import { CARDS, JuspayHttp, newOrderId } from '../../juspay/helpers/juspay-http.js';
import type { Flow } from './delivery.js';

/** Pine Labs flows of one merchant (`only`: just these), each appended to `flows` with the events it should raise. */
export async function pineLabsFlows(
  server: TestServer,
  flows: Flow[],
  client: PineLabsClient,
  merchantId: string,
  only?: string[],
): Promise<void> {
  /** Each API step one second later on the test clock, so each transaction's created_at is its own. */
  const tick = () => {
    server.clock.advance(1000);
  };
  const ok = (reply: { status: number; body: any }, what: string) => {
    assert.equal(reply.status, 200, `${what}: ${JSON.stringify(reply.body)}`);
    return reply.body.data;
  };
  const authorize = async (amount: number, card?: string) => {
    const id = await client.authorizedOrder(amount, card);
    tick();
    return id;
  };
  const run: Record<string, () => Promise<Omit<Flow, 'dialect' | 'name' | 'merchantId'>>> = {
    'full capture': async () => {
      const orderId = await authorize(10000);
      ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
      return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
    },
    'partial capture': async () => {
      const orderId = await authorize(10000);
      ok(
        await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap'), capture_amount: { value: 6000, currency: 'INR' } }),
        'capture',
      );
      return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
    },
    cancel: async () => {
      const orderId = await authorize(4000);
      ok(await client.cancel(orderId), 'cancel');
      return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_CANCELLED'], statuses: ['AUTHORIZED', 'CANCELLED'] };
    },
    'three declines': async () => {
      const orderId = ok(await client.createOrder(2500), 'create').order_id as string;
      tick();
      for (const card of [CARDS.declined, CARDS.insufficientFunds, CARDS.expired]) {
        await client.pay(orderId, 2500, card);
        tick();
      }
      return {
        orderId,
        expected: ['PAYMENT_FAILED', 'PAYMENT_FAILED', 'PAYMENT_FAILED', 'ORDER_FAILED'],
        statuses: ['ATTEMPTED', 'ATTEMPTED', 'FAILED', 'FAILED'],
      };
    },
    refund: async () => {
      const orderId = await authorize(8000);
      ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
      tick();
      assert.equal(ok(await client.refund(orderId, 3000), 'refund').status, 'PROCESSED');
      return {
        orderId,
        expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_PROCESSED'],
        statuses: ['AUTHORIZED', 'PROCESSED', 'PROCESSED'],
      };
    },
    'refund fails': async () => {
      const orderId = await authorize(8000, CARDS.refundFails);
      ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
      tick();
      await client.refund(orderId, 3000);
      return {
        orderId,
        expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'REFUND_FAILED'],
        statuses: ['AUTHORIZED', 'PROCESSED', 'FAILED'],
      };
    },
    'capture fails': async () => {
      const orderId = await authorize(5000, CARDS.captureFails);
      await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
      return { orderId, expected: ['ORDER_AUTHORIZED', 'PAYMENT_FAILED'], statuses: ['AUTHORIZED', 'FAILED'] };
    },
    'void fails, then capture': async () => {
      const orderId = await authorize(5000, CARDS.voidFails);
      await client.cancel(orderId); // a failed void raises no Pine Labs event
      tick();
      ok(await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') }), 'capture');
      return { orderId, expected: ['ORDER_AUTHORIZED', 'ORDER_PROCESSED'], statuses: ['AUTHORIZED', 'PROCESSED'] };
    },
    'auto capture': async () => {
      const orderId = ok(await client.createOrder(1500, { preAuth: false }), 'create').order_id as string;
      tick();
      assert.equal(ok(await client.pay(orderId, 1500), 'pay').status, 'PROCESSED');
      return { orderId, expected: ['ORDER_PROCESSED'], statuses: ['PROCESSED'] };
    },
  };
  for (const [name, fn] of Object.entries(run)) {
    if (only && !only.includes(name)) continue;
    const flow = await fn();
    tick();
    flows.push({ dialect: 'pinelabs', name, merchantId, ...flow });
  }
}

/** Juspay flows of one merchant (`only`: just these), each appended to `flows` with the events it should raise. */
export async function juspayFlows(
  server: TestServer,
  flows: Flow[],
  client: JuspayHttp,
  merchantId: string,
  only?: string[],
): Promise<void> {
  /** Each API step one second later on the test clock, so each transaction's created_at is its own. */
  const tick = () => {
    server.clock.advance(1000);
  };
  const ok = (reply: { status: number; body: any }, what: string) => {
    assert.equal(reply.status, 200, `${what}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const authorize = async (amount: string, card?: string) => {
    const order = await client.authorizedOrder(amount, card);
    tick();
    return order;
  };
  const authorized = ['TXN_CREATED', 'ORDER_AUTHORIZED'];
  const authorizedStatuses = ['AUTHORIZING', 'AUTHORIZED'];
  const run: Record<string, () => Promise<Omit<Flow, 'dialect' | 'name' | 'merchantId'>>> = {
    'full capture': async () => {
      const order = await authorize('100.00');
      assert.equal(ok(await client.capture(order.txnUuid), 'capture').status, 'CHARGED');
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_SUCCEEDED'],
        statuses: [...authorizedStatuses, 'CHARGED'],
      };
    },
    'partial capture': async () => {
      const order = await authorize('100.00');
      ok(await client.capture(order.txnUuid, { amount: '60.00', idempotence_key: uniqueRef('cap') }), 'capture');
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_PARTIAL_CHARGED'],
        statuses: [...authorizedStatuses, 'PARTIAL_CHARGED'],
      };
    },
    void: async () => {
      const order = await authorize('40.00');
      assert.equal(ok(await client.void(order.txnUuid), 'void').status, 'VOIDED');
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_VOIDED'],
        statuses: [...authorizedStatuses, 'VOIDED'],
      };
    },
    'void fails, then capture': async () => {
      const order = await authorize('50.00', CARDS.voidFails);
      await client.void(order.txnUuid);
      tick();
      ok(await client.capture(order.txnUuid), 'capture');
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_VOID_FAILED', 'ORDER_SUCCEEDED'],
        statuses: [...authorizedStatuses, 'VOID_FAILED', 'CHARGED'],
      };
    },
    'capture fails': async () => {
      const order = await authorize('50.00', CARDS.captureFails);
      await client.capture(order.txnUuid);
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_CAPTURE_FAILED'],
        statuses: [...authorizedStatuses, 'CAPTURE_FAILED'],
      };
    },
    refund: async () => {
      const order = await authorize('80.00');
      ok(await client.capture(order.txnUuid), 'capture');
      tick();
      ok(await client.refund(order.orderId, { unique_request_id: uniqueRef('rf'), amount: '30.00' }), 'refund');
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_SUCCEEDED', 'ORDER_REFUNDED'],
        statuses: [...authorizedStatuses, 'CHARGED', 'CHARGED'],
      };
    },
    'refund fails': async () => {
      const order = await authorize('80.00', CARDS.refundFails);
      ok(await client.capture(order.txnUuid), 'capture');
      tick();
      await client.refund(order.orderId, { unique_request_id: uniqueRef('rf'), amount: '30.00' });
      return {
        orderId: order.id,
        merchantOrderId: order.orderId,
        expected: [...authorized, 'ORDER_SUCCEEDED', 'ORDER_REFUND_FAILED'],
        statuses: [...authorizedStatuses, 'CHARGED', 'CHARGED'],
      };
    },
    'three declines': async () => {
      const orderId = newOrderId('d');
      const created = ok(await client.createOrder(orderId, '25.00'), 'create');
      tick();
      for (const card of [CARDS.declined, CARDS.insufficientFunds, CARDS.expired]) {
        await client.txn(orderId, card);
        tick();
      }
      return {
        orderId: created.id,
        merchantOrderId: orderId,
        expected: ['TXN_CREATED', 'ORDER_FAILED', 'TXN_CREATED', 'ORDER_FAILED', 'TXN_CREATED', 'ORDER_FAILED'],
        statuses: ['AUTHORIZING', 'AUTHORIZATION_FAILED', 'AUTHORIZING', 'AUTHORIZATION_FAILED', 'AUTHORIZING', 'AUTHORIZATION_FAILED'],
      };
    },
    'auto capture': async () => {
      const paid = await client.paidOrder('15.00', CARDS.ok, { preAuth: false });
      assert.equal(paid.txnStatus, 'CHARGED');
      return {
        orderId: paid.id,
        merchantOrderId: paid.orderId,
        expected: ['TXN_CREATED', 'ORDER_SUCCEEDED'],
        statuses: ['AUTHORIZING', 'CHARGED'],
      };
    },
  };
  for (const [name, fn] of Object.entries(run)) {
    if (only && !only.includes(name)) continue;
    const flow = await fn();
    tick();
    flows.push({ dialect: 'juspay', name, merchantId, ...flow });
  }
}
