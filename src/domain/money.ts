/**
 * Money is an integer number of minor units (paise for INR) plus an ISO 4217 currency.
 * This is the only module that converts between minor units and decimal strings.
 */

/** Currencies the gateway accepts, with their minor-unit exponent. */
const MINOR_UNIT_EXPONENT: Readonly<Record<string, number>> = { INR: 2 };

export function isSupportedCurrency(currency: string): boolean {
  return Object.hasOwn(MINOR_UNIT_EXPONENT, currency);
}

/**
 * Parses a decimal major-unit string ("100", "100.5", "100.50") into minor units exactly,
 * without passing through a float. Returns undefined for anything else.
 */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const exponent = MINOR_UNIT_EXPONENT[currency];
  if (exponent === undefined) return undefined;
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  return minor > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(minor);
}

/** Formats minor units as a JSON number in major units (10050 → 100.5), exact for 2-digit exponents. */
export function toMajorUnitsNumber(amount: number, currency: string): number {
  const exponent = MINOR_UNIT_EXPONENT[currency] ?? 2;
  return Number(toMajorUnitsString(amount, exponent));
}

/**
 * Formats minor units as a decimal string in major units with every minor digit (10050 → "100.50"),
 * by string arithmetic: what a form field that takes rupees (Juspay's `amount`) is sent.
 */
export function toMajorUnitsText(amount: number, currency: string): string {
  return toMajorUnitsString(amount, MINOR_UNIT_EXPONENT[currency] ?? 2);
}

function toMajorUnitsString(amount: number, exponent: number): string {
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
