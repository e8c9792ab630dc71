/**
 * The routing decision for a new authorization of a merchant (docs/routing.md): by its rules when
 * it has some, else, as before routing existed, its own connector (merchants.connector).
 */
import type { Queryable } from '../../store/db.js';
import { findMerchant } from '../../store/merchants-repository.js';
import type { LoadRoutingAccounts } from './accounts.js';
import { chooseGateways, type RoutingDecision } from './choose-gateways.js';
import type { RoutingAttributes } from './rule-matching.js';
import { toRoutingPolicy } from './routing-policy.js';
import { getRoutingRules } from './routing-rules.js';
import type { RoutingState } from './routing-state.js';

export interface RouteDeps {
  db: Queryable;
  loadAccounts: LoadRoutingAccounts;
  state: RoutingState;
}

/** The connectors to try, in order (gateway account ids, or the merchant's connector); undefined for an unknown merchant. */
export async function routeAuthorization(
  deps: RouteDeps,
  merchantId: string,
  attributes: RoutingAttributes,
  options: { maxCandidates?: number } = {},
): Promise<RoutingDecision | undefined> {
  const merchant = await findMerchant(deps.db, merchantId);
  if (!merchant) return undefined;
  const stored = await getRoutingRules(deps, merchantId);
  if (!stored) {
    return {
      candidates: [merchant.connector],
      probes: [],
      allCircuitsOpen: false,
      explanation: {
        source: 'merchant_connector',
        rulesChecked: [],
        list: { kind: 'merchant_connector', connector: merchant.connector },
        split: null,
        successRate: null,
        gateways: [],
        allCircuitsOpen: false,
        candidates: [merchant.connector],
      },
    };
  }
  const accounts = await deps.loadAccounts(merchantId);
  return chooseGateways(toRoutingPolicy(stored.rules), accounts, attributes, deps.state, options);
}
