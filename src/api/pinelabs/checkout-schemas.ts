import { Type, type Static } from '@sinclair/typebox';
import { Amount, CreateOrderBody } from './schemas.js';

/** Hosted checkout (`POST /api/checkout/v1/orders`): create order's body, plus how the page is shown and EMI products. */
export const INTEGRATION_MODES = ['REDIRECT', 'IFRAME', 'SDK'] as const;

export const CheckoutOrderBody = Type.Object({
  ...CreateOrderBody.properties,
  integration_mode: Type.Optional(Type.String({ enum: [...INTEGRATION_MODES] })),
  product: Type.Optional(
    Type.Array(Type.Object({ product_code: Type.String({ minLength: 1, maxLength: 100 }), product_amount: Amount }), { maxItems: 50 }),
  ),
});
export type CheckoutOrderBody = Static<typeof CheckoutOrderBody>;
