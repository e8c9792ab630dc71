import { HoldfastError } from '../../domain/errors.js';

/**
 * The hosted page takes cards only. A hosted checkout or payment link may list other methods (they
 * are stored and echoed, as Pine Labs does), but one that leaves out CARD could never be paid on it,
 * so it is refused when created rather than leaving the customer a page with nothing to pay with.
 */
export function checkHostedPaymentMethods(methods: readonly string[] | undefined): void {
  if (methods === undefined || methods.length === 0 || methods.includes('CARD')) return;
  throw new HoldfastError(
    'payment_method_not_supported',
    `allowed_payment_methods must include CARD: Holdfast's hosted page accepts cards only (got ${methods.join(', ')})`,
    { field: 'allowed_payment_methods' },
  );
}
