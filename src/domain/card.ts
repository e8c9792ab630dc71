/**
 * Card number handling. The full number is used only in memory to authorize; what is kept is
 * the BIN (first 6), last 4, brand, expiry and a keyed fingerprint.
 */
export type CardNetwork = 'VISA' | 'MASTERCARD' | 'AMEX' | 'RUPAY' | 'MAESTRO' | 'DINERS' | 'DISCOVER' | 'UNKNOWN';

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Strips the spaces and dashes people type; returns undefined unless 12–19 digits remain. */
export function normalizeCardNumber(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(digits) ? digits : undefined;
}

/** Network from the number's prefix (RuPay's 60/65/81/82/508 ranges win over Discover in India). */
export function detectNetwork(digits: string): CardNetwork {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'VISA';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
  if (two === 34 || two === 37) return 'AMEX';
  if (two === 60 || two === 65 || two === 81 || two === 82 || digits.startsWith('508')) return 'RUPAY';
  if (two === 36 || two === 38 || digits.startsWith('30')) return 'DINERS';
  if (two === 50 || (two >= 56 && two <= 69)) return 'MAESTRO';
  return 'UNKNOWN';
}

/** What may be stored about a card. */
export interface StoredCard {
  bin: string;
  last4: string;
  network: CardNetwork;
  expiryMonth: string;
  expiryYear: string;
  holderName: string | null;
  /** Keyed with a key the database does not hold (docs/security.md); null for a payment made before that key existed. */
  fingerprint: string | null;
}

/** Expiry month 01–12 and a 2- or 4-digit year, normalized to 4 digits. */
export function normalizeExpiry(month: string, year: string): { month: string; year: string } | undefined {
  if (!/^(0[1-9]|1[0-2])$/.test(month)) return undefined;
  if (/^\d{2}$/.test(year)) return { month, year: `20${year}` };
  if (/^\d{4}$/.test(year)) return { month, year };
  return undefined;
}

/** True when the card's last valid month (end of month) is before `now`. */
export function isExpired(expiry: { month: string; year: string }, now: Date): boolean {
  const endOfMonth = Date.UTC(Number(expiry.year), Number(expiry.month), 1);
  return endOfMonth <= now.getTime();
}
