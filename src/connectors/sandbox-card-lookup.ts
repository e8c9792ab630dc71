import { decideAuthorization } from '../test-cards/index.js';

/**
 * Whether the sandbox test cards (docs/test-cards.md) make an authorization with this number wait
 * for a 3-D Secure OTP — the cards a merchant can finish with native OTP. The acquirer simulator
 * decides from the same table, so the answer holds for both built-in connectors.
 */
export function sandboxCardAsksForOtp(cardNumber: string): boolean {
  return decideAuthorization(cardNumber, { checkLuhn: false }).decision.outcome === 'challenge';
}
