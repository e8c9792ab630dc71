import type { Customer } from '../domain/order.js';
import { toMajorUnitsNumber } from '../domain/money.js';
import type { PaymentLink, PaymentLinkNotification } from '../domain/payment-link.js';

/**
 * The e-mail and SMS Holdfast would send for a payment link, one per contact the merchant gave
 * (the order's customer e-mail and phone). Holdfast sends neither: they are recorded on the link.
 */
export interface LinkMessageInput {
  link: PaymentLink;
  amount: number;
  currency: string;
  merchantName: string;
  url: string;
  customer: Customer | null;
}

export function linkNotifications(input: LinkMessageInput, now: Date): PaymentLinkNotification[] {
  const { link } = input;
  const amount = `${input.currency} ${toMajorUnitsNumber(input.amount, input.currency).toFixed(2)}`;
  const what = link.description ? ` for ${link.description}` : '';
  const message = `${input.merchantName || 'The merchant'} requests ${amount}${what}. Pay by ${link.expireBy.toISOString()}: ${input.url}`;
  const out: PaymentLinkNotification[] = [];
  if (input.customer?.email) out.push({ channel: 'EMAIL', recipient: input.customer.email, message, createdAt: now });
  if (input.customer?.phone) out.push({ channel: 'SMS', recipient: input.customer.phone, message, createdAt: now });
  return out;
}
