import type { Queryable } from './db.js';

/** The order of a payment of this merchant, by the payment's id; undefined for an unknown id or another merchant's. */
export async function findPaymentOrderId(q: Queryable, merchantId: string, paymentId: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>(
    'select p.order_id from payments p join orders o on o.id = p.order_id where p.id = $1 and o.merchant_id = $2',
    [paymentId, merchantId],
  );
  return rows[0]?.order_id;
}
