/**
 * Whether an authorization meets a rule's conditions, and why or why not, in words the
 * explanation shows (docs/routing.md "The rules file", "How an authorization is routed").
 */
import type { CardNetwork } from '../../domain/card.js';
import type { MatchSpec } from './rules-schema.js';

/** What routing knows about a new authorization. */
export interface RoutingAttributes {
  network: CardNetwork;
  /** The card's leading digits (6 to 8); a prefix longer than what is given does not match. */
  bin: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** A pre-authorization (captured later), not a sale. */
  preAuth: boolean;
}

export type MatchResult = { matched: true; reasons: string[] } | { matched: false; reason: string };

const SHOWN = 10;
/** A condition's list, shortened when long (a rule may list hundreds of BIN prefixes). */
function listed(values: readonly (string | number)[]): string {
  const shown = values.slice(0, SHOWN).join(', ');
  return values.length > SHOWN ? `[${shown}, … ${values.length - SHOWN} more]` : `[${shown}]`;
}

/** Every condition the rule sets must hold; the first that fails is the reason it does not match. */
export function matchRule(match: MatchSpec, attributes: RoutingAttributes): MatchResult {
  const reasons: string[] = [];
  if (match.network) {
    if (!match.network.includes(attributes.network))
      return { matched: false, reason: `network ${attributes.network} is not in ${listed(match.network)}` };
    reasons.push(`network ${attributes.network} is in ${listed(match.network)}`);
  }
  if (match.bin_prefix) {
    const prefix = match.bin_prefix.find((p) => attributes.bin.startsWith(p));
    if (prefix === undefined) return { matched: false, reason: `BIN ${attributes.bin} starts with none of ${listed(match.bin_prefix)}` };
    reasons.push(`BIN ${attributes.bin} starts with ${prefix}`);
  }
  if (match.amount) {
    const { min, max } = match.amount;
    if (min !== undefined && attributes.amount < min)
      return { matched: false, reason: `amount ${attributes.amount} is below the minimum ${min}` };
    if (max !== undefined && attributes.amount > max)
      return { matched: false, reason: `amount ${attributes.amount} is above the maximum ${max}` };
    const bounds = [min === undefined ? undefined : `≥ ${min}`, max === undefined ? undefined : `≤ ${max}`].filter(Boolean);
    reasons.push(bounds.length > 0 ? `amount ${attributes.amount} is ${bounds.join(' and ')}` : `amount ${attributes.amount} (no bounds)`);
  }
  if (match.currency) {
    if (!match.currency.includes(attributes.currency))
      return { matched: false, reason: `currency ${attributes.currency} is not in ${listed(match.currency)}` };
    reasons.push(`currency ${attributes.currency} is in ${listed(match.currency)}`);
  }
  if (match.pre_auth !== undefined) {
    const kind = (preAuth: boolean) => (preAuth ? 'a pre-authorization' : 'a sale');
    if (match.pre_auth !== attributes.preAuth)
      return { matched: false, reason: `it is ${kind(attributes.preAuth)}, the rule wants ${kind(match.pre_auth)}` };
    reasons.push(`it is ${kind(attributes.preAuth)}`);
  }
  if (reasons.length === 0) reasons.push('the rule sets no conditions');
  return { matched: true, reasons };
}
