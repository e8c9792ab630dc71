import type { Queryable } from './db.js';

/** The order of a payment of this merchant, by the payment's id; undefined for an unknown id or another merchant's. */
export async function findPaymentOrderId(q: Queryable, merchantId: string, paymentId: string): Promise<string | undefined> {
  const rows = await q.query<{ order_id: string }>(
    'select p.order_id from payments p join orders o on o.id = p.order_id where p.id = $1 and o.merchant_id = $2',
    [paymentId, merchantId],
  );
  return rows[0]?.order_id;
}

/** The attempt an upstream gateway's webhook or return names, among the attempts sent through that connector. */
export async function findUpstreamPayment(
  q: Queryable,
  connector: string,
  hint: { paymentId: string | null; connectorReference: string | null },
): Promise<{ merchantId: string; orderId: string; paymentId: string } | undefined> {
  if (hint.paymentId === null && hint.connectorReference === null) return undefined;
  const rows = await q.query<{ id: string; order_id: string; merchant_id: string }>(
    `select p.id, p.order_id, o.merchant_id from payments p join orders o on o.id = p.order_id
      where p.connector = $1 and (p.id = $2 or p.connector_reference = $3)
      order by p.seq desc limit 1`,
    [connector, hint.paymentId, hint.connectorReference],
  );
  const row = rows[0];
  return row ? { merchantId: row.merchant_id, orderId: row.order_id, paymentId: row.id } : undefined;
}
