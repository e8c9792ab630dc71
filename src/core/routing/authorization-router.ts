/**
 * Routing on the authorization path (docs/routing.md): the merchant's rules, read again at most
 * once a second per process (at once after a change made in this process), choose among its gateway accounts; every answer from a gateway account feeds
 * its circuit breaker and, once final, its success rate on the card's network.
 */
import type { AuthorizeOutcome } from '../../connectors/gateway.js';
import type { CardNetwork } from '../../domain/card.js';
import type { Queryable } from '../../store/db.js';
import type { AuthorizationRouter, RoutingFacts } from '../context.js';
import { routingRulesKey, stillFresh } from '../gateway-account-changes.js';
import { isGatewayAccount } from '../scheduled-jobs.js';
import type { LoadRoutingAccounts } from './accounts.js';
import { chooseGateways } from './choose-gateways.js';
import { toRoutingPolicy, type RoutingPolicy } from './routing-policy.js';
import { getRoutingRules } from './routing-rules.js';
import type { RoutingState } from './routing-state.js';

const MAX_CACHED = 10_000;

export class RulesRouter implements AuthorizationRouter {
  private readonly rules = new Map<string, { policy: RoutingPolicy | null; readAt: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly loadAccounts: LoadRoutingAccounts,
    private readonly state: RoutingState,
  ) {}

  async route(merchantId: string, merchantConnector: string, facts: RoutingFacts): Promise<string[]> {
    const policy = await this.policyOf(merchantId);
    if (!policy) return [merchantConnector];
    const decision = chooseGateways(policy, await this.loadAccounts(merchantId), facts, this.state);
    return decision.candidates;
  }

  unused(connector: string): void {
    if (isGatewayAccount(connector)) this.state.circuits.releaseProbe(connector);
  }

  observe(connector: string, network: CardNetwork | null, outcome: AuthorizeOutcome): void {
    if (!isGatewayAccount(connector)) return;
    // Any answer at all, a decline included, shows the gateway reachable; no answer does not.
    this.state.circuits.recordTransport(connector, outcome.kind !== 'unknown');
    // Only settled outcomes count, and a decline for the gateway's own fault says nothing of the card.
    const settled = outcome.kind === 'approved' || (outcome.kind === 'declined' && outcome.retryable !== true);
    if (settled && network) this.state.successRates.recordOutcome(connector, network, outcome.kind === 'approved');
  }

  private async policyOf(merchantId: string): Promise<RoutingPolicy | null> {
    const cached = this.rules.get(merchantId);
    const now = performance.now();
    if (cached && stillFresh(routingRulesKey(merchantId), cached.readAt)) return cached.policy;
    const stored = await getRoutingRules({ db: this.db }, merchantId);
    const policy = stored ? toRoutingPolicy(stored.rules) : null;
    if (this.rules.size > MAX_CACHED) this.rules.clear();
    this.rules.set(merchantId, { policy, readAt: now });
    return policy;
  }
}
