/**
 * Which of a merchant's gateway accounts a new authorization goes to, in order, and why
 * (docs/routing.md "How an authorization is routed"):
 *
 * 1. the first rule whose conditions all hold gives the list, else the default list;
 * 2. accounts that no longer exist or are disabled are dropped (never chosen, even as a fallback);
 * 3. a weighted list draws its first account by weight, the rest follow in the list's order;
 * 4. success-rate ordering, when on, reorders the accounts with enough outcomes on the card's
 *    network (a drawn first account keeps its place), except for the exploration share;
 * 5. each account's circuit breaker admits it or not, until `maxCandidates` are admitted.
 *
 * When every usable account is skipped by its circuit, they are returned anyway, least recently
 * failed first, with `allCircuitsOpen`: the gateway may have recovered, and refusing the
 * merchant's customer would be certain failure.
 */
import { findAccount, type RoutingAccount } from './accounts.js';
import type { CircuitState } from './circuit-breakers.js';
import type { RoutingExplanation, GatewayVerdict, SuccessRateStep, VolumeSplitStep } from './explanation.js';
import { matchRule, type RoutingAttributes } from './rule-matching.js';
import type { GatewayListPolicy, RoutingPolicy } from './routing-policy.js';
import type { RoutingState } from './routing-state.js';
import { drawByWeight } from './volume-split.js';

export interface RoutingDecision {
  /** Account ids to try, in order. Empty only when no usable account is left. */
  candidates: string[];
  /**
   * Candidates let through a half-open circuit: each holds its account's one probe. Give back
   * (CircuitBreakers.releaseProbe) those not sent, or record their transport outcome.
   */
  probes: string[];
  /** Every usable account was skipped by its circuit; the candidates are tried anyway. */
  allCircuitsOpen: boolean;
  explanation: RoutingExplanation;
}

/** How many candidates a decision admits: what failover tries at most (docs/routing.md). */
export const DEFAULT_MAX_CANDIDATES = 2;

interface Usable {
  account: RoutingAccount;
  weight: number | null;
}

export function chooseGateways(
  policy: RoutingPolicy,
  accounts: readonly RoutingAccount[],
  attributes: RoutingAttributes,
  state: RoutingState,
  options: { maxCandidates?: number } = {},
): RoutingDecision {
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;

  // 1. The first rule that matches.
  const rulesChecked: RoutingExplanation['rulesChecked'] = [];
  let list: GatewayListPolicy = policy.default;
  let listName: string | null = null;
  for (const [index, rule] of policy.rules.entries()) {
    const result = matchRule(rule.match, attributes);
    rulesChecked.push({ rule: rule.name, index, matched: result.matched, reasons: result.matched ? result.reasons : [result.reason] });
    if (result.matched) {
      list = rule.gateways;
      listName = rule.name;
      break;
    }
  }

  // 2. Only accounts that exist and are enabled.
  const verdicts = new Map<string, GatewayVerdict>();
  const usable: Usable[] = [];
  for (const entry of list.entries) {
    const lookup = findAccount(accounts, entry.account);
    if (!lookup.found) {
      verdicts.set(entry.account, {
        account: entry.account,
        name: null,
        status: 'skipped',
        reason: 'no such gateway account of this merchant (removed since the rules were set?)',
      });
    } else if (lookup.account.disabled) {
      verdicts.set(lookup.account.id, { account: lookup.account.id, name: lookup.account.name, status: 'skipped', reason: 'disabled' });
    } else usable.push({ account: lookup.account, weight: entry.weight });
  }

  // 3. The volume split.
  let ordered = usable;
  let split: VolumeSplitStep | null = null;
  if (list.weighted) {
    const weighted = usable.map((u) => ({ ...u, weight: u.weight ?? 0 }));
    const total = weighted.reduce((sum, u) => sum + u.weight, 0);
    const drawn = drawByWeight(weighted, state.random);
    split = {
      drawn: drawn?.account.id ?? null,
      shares: weighted.map((u) => ({
        account: u.account.id,
        name: u.account.name,
        weight: u.weight,
        share: total > 0 ? u.weight / total : 0,
      })),
    };
    if (drawn) ordered = [drawn, ...usable.filter((u) => u.account.id !== drawn.account.id)];
  }

  // 4. Success-rate ordering (after the drawn account, which keeps its place).
  let successRate: SuccessRateStep | null = null;
  if (policy.successRate.enabled) {
    const fixed = split?.drawn ? 1 : 0;
    const reordered = orderBySuccessRate(ordered.slice(fixed), policy, attributes, state);
    ordered = [...ordered.slice(0, fixed), ...reordered.order];
    successRate = reordered.step;
  }

  // 5. The circuit breakers.
  const candidates: string[] = [];
  const probes: string[] = [];
  const circuitSkipped: RoutingAccount[] = [];
  for (const { account } of ordered) {
    if (candidates.length >= maxCandidates) {
      verdicts.set(account.id, {
        account: account.id,
        name: account.name,
        status: 'spare',
        reason: `not needed: ${maxCandidates} candidates before it`,
      });
      continue;
    }
    const admission = state.circuits.admit(account.id, policy.circuit);
    if (admission.admitted) {
      candidates.push(account.id);
      if (admission.probe) probes.push(account.id);
      verdicts.set(account.id, {
        account: account.id,
        name: account.name,
        status: 'candidate',
        reason: admission.probe ? 'circuit half-open: this authorization is its one probe' : 'circuit closed',
      });
    } else {
      circuitSkipped.push(account);
      verdicts.set(account.id, { account: account.id, name: account.name, status: 'skipped', reason: circuitReason(admission.state) });
    }
  }

  const allCircuitsOpen = candidates.length === 0 && circuitSkipped.length > 0;
  if (allCircuitsOpen) {
    const leastRecentlyFailed = [...circuitSkipped].sort(
      (a, b) => (state.circuits.lastFailureAt(a.id)?.getTime() ?? 0) - (state.circuits.lastFailureAt(b.id)?.getTime() ?? 0),
    );
    for (const account of leastRecentlyFailed.slice(0, maxCandidates)) {
      candidates.push(account.id);
      const lastFailure = state.circuits.lastFailureAt(account.id);
      verdicts.set(account.id, {
        account: account.id,
        name: account.name,
        status: 'forced',
        reason: `every usable account's circuit is open: tried anyway, least recently failed first${
          lastFailure ? ` (last failure ${lastFailure.toISOString()})` : ''
        }`,
      });
    }
  }

  // The gateways in the order they were considered: the ordered usable ones, then those dropped.
  const gateways = [
    ...ordered.map((u) => verdicts.get(u.account.id)),
    ...[...verdicts.values()].filter((v) => !ordered.some((u) => u.account.id === v.account)),
  ].filter((v): v is GatewayVerdict => v !== undefined);

  return {
    candidates,
    probes,
    allCircuitsOpen,
    explanation: {
      source: 'rules',
      rulesChecked,
      list: listName === null ? { kind: 'default' } : { kind: 'rule', rule: listName },
      split,
      successRate,
      gateways,
      allCircuitsOpen,
      candidates,
    },
  };
}

/**
 * Accounts with at least `minSample` outcomes on the card's network trade places among
 * themselves, best rate first; the others keep theirs. In the exploration share nothing moves.
 */
function orderBySuccessRate(
  order: Usable[],
  policy: RoutingPolicy,
  attributes: RoutingAttributes,
  state: RoutingState,
): { order: Usable[]; step: SuccessRateStep } {
  const { window, minSample, exploration } = policy.successRate;
  const rates = order.map((u) => {
    const rate = state.successRates.rate(u.account.id, attributes.network, window);
    return { account: u.account.id, name: u.account.name, ...rate, counted: rate.total >= minSample };
  });
  const base = { network: attributes.network, window, minSample, rates };
  const counted = rates.filter((r) => r.counted);
  if (counted.length < 2) return { order, step: { ...base, applied: false, exploring: false } };
  if (state.random() < exploration) return { order, step: { ...base, applied: false, exploring: true } };
  const rateOf = (r: { approved: number; total: number }) => r.approved / r.total;
  // Array.prototype.sort is stable: equal rates keep the rule's order.
  const best = [...counted].sort((a, b) => rateOf(b) - rateOf(a));
  const byId = new Map(order.map((u) => [u.account.id, u]));
  let next = 0;
  const reordered = order.map((u, i) => {
    if (!rates[i]?.counted) return u;
    const taking = best[next++];
    return (taking && byId.get(taking.account)) ?? u;
  });
  return { order: reordered, step: { ...base, applied: true, exploring: false } };
}

function circuitReason(state: CircuitState): string {
  if (state.state === 'open') return `circuit open until ${state.until.toISOString()}`;
  if (state.state === 'half-open') return 'circuit half-open: its one probe is already in flight';
  return 'circuit closed';
}
