import type { CreateOrderInput } from '../../core/create-order.js';
import { customerFrom, type Customer } from '../../domain/order.js';
import { invalidInput } from '../../domain/errors.js';
import { returnUrlProblem } from '../hosted/return-url.js';
import type { CreateOrderBody } from './schemas.js';

/**
 * What creating a Pine Labs order means, shared by create order (`POST /pay/v1/orders`) and hosted
 * checkout (`POST /checkout/v1/orders`): the same fields, the same checks, the same stored details.
 */

/** Return URLs are refused at creation when no redirect could be built on them (src/api/hosted/return-url.ts). */
export function checkReturnUrls(body: { callback_url?: string | undefined; failure_callback_url?: string | undefined }): void {
  for (const field of ['callback_url', 'failure_callback_url'] as const) {
    const value = body[field];
    const problem = value === undefined ? undefined : returnUrlProblem(value);
    if (problem) throw invalidInput(field, `${field} ${problem}`);
  }
}

/** The core's order input for a create-order body; `details` adds what the calling endpoint keeps beside the order's own fields. */
export function pineLabsOrderInput(
  merchantId: string,
  body: CreateOrderBody,
  requestFingerprint: string,
  details: Record<string, unknown> = {},
): Omit<CreateOrderInput, 'requestKey'> {
  return {
    merchantId,
    dialect: 'pinelabs',
    merchantOrderReference: String(body.merchant_order_reference),
    amount: body.order_amount.value,
    currency: body.order_amount.currency,
    preAuth: body.pre_auth ?? false,
    returnUrl: body.callback_url ?? null,
    customer: pineLabsCustomer(body.purchase_details?.customer),
    details: {
      notes: body.notes,
      callback_url: body.callback_url,
      failure_callback_url: body.failure_callback_url,
      purchase_details: body.purchase_details,
      allowed_payment_methods: body.allowed_payment_methods,
      ...details,
    },
    requestFingerprint,
  };
}

/** The Pine Labs customer object in the core's words (what an upstream gateway may ask for). */
export function pineLabsCustomer(customer: Record<string, unknown> | undefined): Customer | null {
  if (!customer) return null;
  const name = [customer.first_name, customer.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ');
  return customerFrom({ id: customer.customer_id, email: customer.email_id, phone: customer.mobile_number, name });
}
