import { sandboxCardAsksForOtp } from '../connectors/sandbox-card-lookup.js';
import { detectNetwork, normalizeCardNumber, passesLuhn, type CardNetwork } from '../domain/card.js';
import { invalidInput } from '../domain/errors.js';

/** What a card number tells before any payment: its network, its issuer's particulars, and whether its OTP can be collected natively. */
export interface CardDetails {
  network: CardNetwork;
  issuer: string;
  type: 'CREDIT';
  international: boolean;
  nativeOtp: boolean;
  /** ISO 3166-1 alpha-3 of the issuing country. */
  countryCode: string;
  currency: string;
}

/** The sandbox's one issuer (the same name Juspay's card object shows), in India, issuing INR credit cards. */
const SANDBOX_ISSUER = { issuer: 'HOLDFAST SANDBOX BANK', countryCode: 'IND', currency: 'INR' } as const;

/**
 * A card number's details (a BIN lookup). The number is checked like a payment's (12–19 digits,
 * Luhn), used in memory only, and neither returned nor stored.
 */
export function lookUpCard(input: string, field: string): CardDetails {
  const number = normalizeCardNumber(input);
  if (!number) throw invalidInput(field, `${field} must be 12 to 19 digits`);
  if (!passesLuhn(number)) throw invalidInput(field, `${field} is not a valid card number (Luhn check failed)`);
  return {
    network: detectNetwork(number),
    type: 'CREDIT',
    international: false,
    nativeOtp: sandboxCardAsksForOtp(number),
    ...SANDBOX_ISSUER,
  };
}
