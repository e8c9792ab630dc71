import type { CardForAuthorization } from '../../connectors/gateway.js';
import { detectNetwork, isExpired, normalizeCardNumber, normalizeExpiry, passesLuhn } from '../../domain/card.js';
import { invalidInput } from '../../domain/errors.js';

/** A card as a request gives it, before any check. */
export interface CardInput {
  number: string;
  cvv?: string | undefined;
  expiryMonth: string;
  expiryYear: string;
  holderName?: string | undefined;
}

/** The checks every card passes before any connector sees it; the number then lives in memory only. */
export function validateCard(input: CardInput, now: Date): CardForAuthorization {
  const number = normalizeCardNumber(input.number);
  if (!number) throw invalidInput('card_number', 'card_number must be 12 to 19 digits');
  if (!passesLuhn(number)) throw invalidInput('card_number', 'card_number is not a valid card number (Luhn check failed)');
  const expiry = normalizeExpiry(input.expiryMonth, input.expiryYear);
  if (!expiry) throw invalidInput('expiry', 'expiry_month must be 01-12 and expiry_year YY or YYYY');
  if (isExpired(expiry, now)) throw invalidInput('expiry', 'the card expiry date is in the past');
  if (input.cvv !== undefined && !/^\d{3,4}$/.test(input.cvv)) throw invalidInput('cvv', 'cvv must be 3 or 4 digits');
  return {
    number,
    cvv: input.cvv ?? null,
    expiryMonth: expiry.month,
    expiryYear: expiry.year,
    holderName: input.holderName ?? null,
    network: detectNetwork(number),
  };
}
