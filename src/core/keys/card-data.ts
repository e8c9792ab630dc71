/**
 * The request fields that carry card data in either dialect: the card number, the security code
 * and the expiry (Pine Labs `card_details`, Juspay `/txns`, the hosted page's form). Left out of
 * every request fingerprint, so nothing stored is computed from them.
 */
const CARD_DATA_FIELDS = new Set([
  'card_number',
  'cvv',
  'card_security_code',
  'expiry',
  'expiry_month',
  'expiry_year',
  'card_exp_month',
  'card_exp_year',
]);

/** `value` without any card-data field, at any depth. */
export function withoutCardData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCardData);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([name]) => !CARD_DATA_FIELDS.has(name))
      .map(([name, inner]) => [name, withoutCardData(inner)]),
  );
}
