/**
 * The request bodies of an authorization at Pine Labs Online: the order (one per payment attempt,
 * our payment id as its merchant reference) and the card payment on it.
 */
import type { AuthorizeRequest } from '../gateway.js';
import type { Customer } from '../../domain/order.js';

/** The order for one payment attempt: a pre-authorization unless the payment captures at once. */
export function orderBody(request: AuthorizeRequest, callbackUrl: string) {
  const customer = request.order?.customer ? pineLabsCustomer(request.order.customer) : undefined;
  return {
    merchant_order_reference: request.paymentId,
    order_amount: { value: request.amount, currency: request.currency },
    pre_auth: !request.capture,
    allowed_payment_methods: ['CARD'],
    callback_url: callbackUrl,
    ...(customer ? { purchase_details: { customer } } : {}),
  };
}

/** The card payment on the order. The card's data is only ever in this request's body: never logged, never kept. */
export function paymentBody(request: AuthorizeRequest) {
  const { card } = request;
  const name = card.holderName?.trim();
  return {
    payments: [
      {
        merchant_payment_reference: request.paymentId,
        payment_method: 'CARD',
        payment_amount: { value: request.amount, currency: request.currency },
        payment_option: {
          card_details: {
            ...(name && name.length <= 100 ? { name } : {}),
            card_number: card.number,
            ...(card.cvv ? { cvv: card.cvv } : {}),
            expiry_month: card.expiryMonth.padStart(2, '0'),
            // The reference asks for four digits.
            expiry_year: card.expiryYear.length === 2 ? `20${card.expiryYear}` : card.expiryYear,
          },
        },
      },
    ],
  };
}

/**
 * The customer as Pine Labs names its fields, each only when it fits the reference's limits: the
 * customer is context for the upstream, and one field too long must not refuse the whole order.
 */
function pineLabsCustomer(customer: Customer): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  if (customer.id && customer.id.length <= 19) fields.customer_id = customer.id;
  if (customer.email && customer.email.length <= 50) fields.email_id = customer.email;
  const phone = customer.phone?.replace(/[\s()+-]/g, '');
  if (phone && /^[0-9]{10,20}$/.test(phone)) fields.mobile_number = phone;
  const [first, ...rest] = (customer.name ?? '').trim().split(/\s+/);
  const last = rest.join(' ');
  if (first && first.length <= 50) fields.first_name = first;
  if (first && last && last.length <= 50) fields.last_name = last;
  return Object.keys(fields).length > 0 ? fields : undefined;
}
