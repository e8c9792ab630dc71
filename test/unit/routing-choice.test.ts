/**
 * How routing chooses among a merchant's gateway accounts (docs/routing.md): rules and the
 * default list, disabled accounts, the volume split, success-rate ordering with its exploration
 * share, and the circuit breaker with its one probe at a time. Accounts are given as input; the
 * random source is seeded and the clock moved by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';
import type { RoutingAccount } from '../../src/core/routing/accounts.js';
import { chooseGateways, type RoutingDecision } from '../../src/core/routing/choose-gateways.js';
import { explanationLines } from '../../src/core/routing/explanation.js';
import type { RoutingAttributes } from '../../src/core/routing/rule-matching.js';
import { toRoutingPolicy, type RoutingPolicy } from '../../src/core/routing/routing-policy.js';
import { createRoutingState, type RoutingState } from '../../src/core/routing/routing-state.js';
import { validateRoutingRules } from '../../src/core/routing/rules-validation.js';

class HandClock {
  private at = Date.parse('2025-01-01T00:00:00Z');
  now = () => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

const ACCOUNTS: RoutingAccount[] = [
  { id: 'gwa_pine', name: 'pine-main', kind: 'pinelabs-online', disabled: false },
  { id: 'gwa_juspay', name: 'juspay-main', kind: 'juspay', disabled: false },
  { id: 'gwa_acquirer', name: 'acquirer', kind: 'http-acquirer', disabled: false },
  { id: 'gwa_old', name: 'old-juspay', kind: 'juspay', disabled: true },
];

const VISA_SALE: RoutingAttributes = { network: 'VISA', bin: '411111', amount: 10_000, currency: 'INR', preAuth: false };

function policy(file: unknown): RoutingPolicy {
  const validation = validateRoutingRules(file, ACCOUNTS);
  if (!validation.ok) assert.fail(validation.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return toRoutingPolicy(validation.file);
}

const seeded = (seed: number) => {
  const rng = mersenne(seed);
  return () => uniformFloat64(rng);
};

function setup(random: () => number = seeded(7)): { clock: HandClock; state: RoutingState } {
  const clock = new HandClock();
  return { clock, state: createRoutingState({ clock, random, probeLeaseMs: 60_000 }) };
}

const listName = (d: RoutingDecision) => (d.explanation.list.kind === 'rule' ? d.explanation.list.rule : d.explanation.list.kind);

describe('rules: the first that matches gives the list, else the default', () => {
  const rules = policy({
    rules: [
      { name: 'amex', match: { network: ['AMEX'] }, gateways: ['acquirer'] },
      { name: 'hdfc-bins', match: { bin_prefix: ['5243', '411199'] }, gateways: ['juspay-main'] },
      { name: 'large', match: { amount: { min: 500_000 } }, gateways: ['acquirer', 'juspay-main'] },
      { name: 'small', match: { amount: { max: 1_000 } }, gateways: ['juspay-main'] },
      { name: 'usd', match: { currency: ['USD'] }, gateways: ['acquirer'] },
      { name: 'pre-auth', match: { pre_auth: true }, gateways: ['juspay-main', 'pine-main'] },
    ],
    default: ['pine-main', 'juspay-main'],
  });
  const choose = (change: Partial<RoutingAttributes>) => chooseGateways(rules, ACCOUNTS, { ...VISA_SALE, ...change }, setup().state);

  it('each attribute on its own', () => {
    assert.deepEqual(choose({ network: 'AMEX', bin: '371449' }).candidates, ['gwa_acquirer']);
    assert.equal(listName(choose({ bin: '52430012' })), 'hdfc-bins');
    assert.equal(listName(choose({ bin: '411199' })), 'hdfc-bins');
    assert.equal(listName(choose({ bin: '411198' })), 'default');
    assert.deepEqual(choose({ amount: 500_000 }).candidates, ['gwa_acquirer', 'gwa_juspay'], 'min is inclusive');
    assert.equal(listName(choose({ amount: 499_999 })), 'default');
    assert.equal(listName(choose({ amount: 1_000 })), 'small', 'max is inclusive');
    assert.equal(listName(choose({ amount: 1_001 })), 'default');
    assert.equal(listName(choose({ currency: 'USD' })), 'usd');
    assert.deepEqual(choose({ preAuth: true }).candidates, ['gwa_juspay', 'gwa_pine']);
    assert.equal(listName(choose({ preAuth: false })), 'default');
  });

  it('a BIN prefix longer than the digits given does not match', () => {
    assert.equal(listName(choose({ bin: '41119' })), 'default');
  });

  it('every condition of a rule must hold', () => {
    const both = policy({
      rules: [{ name: 'visa-inr', match: { network: ['VISA'], currency: ['INR'] }, gateways: ['acquirer'] }],
      default: ['pine-main'],
    });
    const state = setup().state;
    assert.deepEqual(chooseGateways(both, ACCOUNTS, VISA_SALE, state).candidates, ['gwa_acquirer']);
    const usd = chooseGateways(both, ACCOUNTS, { ...VISA_SALE, currency: 'USD' }, state);
    assert.deepEqual(usd.candidates, ['gwa_pine']);
    assert.deepEqual(usd.explanation.rulesChecked[0]?.reasons, ['currency USD is not in [INR]']);
  });

  it('the first matching rule wins, and the rules after it are not looked at', () => {
    const decision = choose({ network: 'AMEX', bin: '371449', amount: 900_000, preAuth: true });
    assert.deepEqual(decision.candidates, ['gwa_acquirer']);
    assert.deepEqual(
      decision.explanation.rulesChecked.map((r) => [r.rule, r.matched]),
      [['amex', true]],
    );
  });

  it('no rule matching: the default list, each rule with the reason it did not match', () => {
    const decision = choose({});
    assert.deepEqual(decision.candidates, ['gwa_pine', 'gwa_juspay']);
    assert.deepEqual(decision.explanation.list, { kind: 'default' });
    assert.deepEqual(
      decision.explanation.rulesChecked.map((r) => r.reasons[0]),
      [
        'network VISA is not in [AMEX]',
        'BIN 411111 starts with none of [5243, 411199]',
        'amount 10000 is below the minimum 500000',
        'amount 10000 is above the maximum 1000',
        'currency INR is not in [USD]',
        'it is a sale, the rule wants a pre-authorization',
      ],
    );
    const text = explanationLines(decision.explanation).join('\n');
    assert.match(text, /^Candidates: pine-main \(gwa_pine\), juspay-main \(gwa_juspay\)$/m);
    assert.match(text, /No rule matched: the default list\./);
  });
});

describe('disabled and removed accounts are never chosen', () => {
  it('skipped with the reason, the next in the list used', () => {
    const rules = policy({ rules: [], default: ['old-juspay', 'pine-main'] });
    const decision = chooseGateways(rules, ACCOUNTS, VISA_SALE, setup().state);
    assert.deepEqual(decision.candidates, ['gwa_pine']);
    assert.deepEqual(
      decision.explanation.gateways.find((g) => g.account === 'gwa_old'),
      { account: 'gwa_old', name: 'old-juspay', status: 'skipped', reason: 'disabled' },
    );
  });

  it('an account removed since the rules were set is skipped', () => {
    const rules = policy({ rules: [], default: ['juspay-main', 'pine-main'] });
    const decision = chooseGateways(
      rules,
      ACCOUNTS.filter((a) => a.id !== 'gwa_juspay'),
      VISA_SALE,
      setup().state,
    );
    assert.deepEqual(decision.candidates, ['gwa_pine']);
    assert.equal(decision.explanation.gateways.find((g) => g.account === 'gwa_juspay')?.status, 'skipped');
  });

  it('a list whose accounts are all disabled gives no candidate, not a disabled one', () => {
    const rules = policy({ rules: [], default: ['old-juspay', 'pine-main'] });
    const allOff = ACCOUNTS.map((a) => ({ ...a, disabled: true }));
    const decision = chooseGateways(rules, allOff, VISA_SALE, setup().state);
    assert.deepEqual(decision.candidates, []);
    assert.equal(decision.allCircuitsOpen, false);
    assert.match(explanationLines(decision.explanation)[0] ?? '', /none \(no usable gateway account\)/);
  });

  it('with every circuit open, a disabled account is still never the last resort', () => {
    const { state } = setup();
    const rules = policy({ rules: [], default: ['old-juspay', 'pine-main'] });
    for (let i = 0; i < 5; i++) state.circuits.recordTransport('gwa_pine', false);
    const decision = chooseGateways(rules, ACCOUNTS, VISA_SALE, state);
    assert.deepEqual(decision.candidates, ['gwa_pine']);
    assert.equal(decision.allCircuitsOpen, true);
  });

  it('a weighted account that is disabled gives its share to the others', () => {
    const rules = policy({
      rules: [],
      default: [
        { account: 'old-juspay', weight: 90 },
        { account: 'pine-main', weight: 10 },
      ],
    });
    const { state } = setup(seeded(3));
    for (let i = 0; i < 50; i++) assert.deepEqual(chooseGateways(rules, ACCOUNTS, VISA_SALE, state).candidates, ['gwa_pine']);
  });
});

describe('volume split', () => {
  const split = policy({
    rules: [],
    default: [
      { account: 'pine-main', weight: 70 },
      { account: 'juspay-main', weight: 30 },
      { account: 'acquirer', weight: 0 },
    ],
  });

  it('draws the first account by weight (1000 draws, seeded), the rest follow in the list order', () => {
    const { state } = setup(seeded(42));
    const first = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const decision = chooseGateways(split, ACCOUNTS, VISA_SALE, state, { maxCandidates: 3 });
      const [head] = decision.candidates;
      first.set(head ?? '', (first.get(head ?? '') ?? 0) + 1);
      const rest = decision.candidates.slice(1);
      assert.deepEqual(rest, head === 'gwa_pine' ? ['gwa_juspay', 'gwa_acquirer'] : ['gwa_pine', 'gwa_acquirer']);
    }
    const pine = first.get('gwa_pine') ?? 0;
    const juspay = first.get('gwa_juspay') ?? 0;
    assert.ok(pine >= 640 && pine <= 760, `pine-main first ${pine} times of 1000, expected about 700`);
    assert.equal(pine + juspay, 1000, 'a weight of 0 is never drawn first');
  });

  it('the explanation gives each share and the account drawn', () => {
    const decision = chooseGateways(split, ACCOUNTS, VISA_SALE, setup(() => 0.8).state);
    assert.equal(decision.explanation.split?.drawn, 'gwa_juspay');
    assert.deepEqual(
      decision.explanation.split.shares.map((s) => [s.name, s.share]),
      [
        ['pine-main', 0.7],
        ['juspay-main', 0.3],
        ['acquirer', 0],
      ],
    );
    assert.match(
      explanationLines(decision.explanation).join('\n'),
      /Volume split: juspay-main drawn first by weight among pine-main 70 \(70%\)/,
    );
  });
});

describe('success-rate ordering', () => {
  const byRate = policy({
    rules: [],
    default: ['pine-main', 'juspay-main', 'acquirer'],
    success_rate: { enabled: true, window: 200, min_sample: 20, exploration: 0.05 },
  });
  const record = (state: RoutingState, account: string, approved: number, declined: number, network: 'VISA' | 'MASTERCARD' = 'VISA') => {
    for (let i = 0; i < approved; i++) state.successRates.recordOutcome(account, network, true);
    for (let i = 0; i < declined; i++) state.successRates.recordOutcome(account, network, false);
  };
  const notExploring = () => 0.99;

  it('reorders only once each account has the minimum sample on the card network', () => {
    const { state } = setup(notExploring);
    record(state, 'gwa_pine', 5, 14);
    record(state, 'gwa_juspay', 19, 0);
    let decision = chooseGateways(byRate, ACCOUNTS, VISA_SALE, state, { maxCandidates: 3 });
    assert.deepEqual(decision.candidates, ['gwa_pine', 'gwa_juspay', 'gwa_acquirer'], '19 outcomes each: the rule order');
    assert.equal(decision.explanation.successRate?.applied, false);

    record(state, 'gwa_pine', 0, 1);
    record(state, 'gwa_juspay', 1, 0);
    decision = chooseGateways(byRate, ACCOUNTS, VISA_SALE, state, { maxCandidates: 3 });
    assert.deepEqual(decision.candidates, ['gwa_juspay', 'gwa_pine', 'gwa_acquirer'], 'juspay-main 20/20 before pine-main 5/20');
    assert.equal(decision.explanation.successRate?.applied, true);

    // Another network's outcomes do not move a VISA authorization, nor VISA's a MASTERCARD one.
    const mastercard = chooseGateways(byRate, ACCOUNTS, { ...VISA_SALE, network: 'MASTERCARD', bin: '555555' }, state, {
      maxCandidates: 3,
    });
    assert.deepEqual(mastercard.candidates, ['gwa_pine', 'gwa_juspay', 'gwa_acquirer']);
  });

  it('an account below the minimum keeps its place while the others trade places', () => {
    const { state } = setup(notExploring);
    record(state, 'gwa_pine', 10, 30);
    record(state, 'gwa_juspay', 3, 0);
    record(state, 'gwa_acquirer', 40, 0);
    const decision = chooseGateways(byRate, ACCOUNTS, VISA_SALE, state, { maxCandidates: 3 });
    assert.deepEqual(decision.candidates, ['gwa_acquirer', 'gwa_juspay', 'gwa_pine']);
  });

  it('only the last `window` outcomes count', () => {
    const { state } = setup(notExploring);
    const small = policy({
      rules: [],
      default: ['pine-main', 'juspay-main'],
      success_rate: { enabled: true, window: 20, min_sample: 20 },
    });
    record(state, 'gwa_pine', 0, 100);
    record(state, 'gwa_pine', 20, 0); // recovered: the last 20 are all approvals
    record(state, 'gwa_juspay', 19, 1);
    assert.deepEqual(chooseGateways(small, ACCOUNTS, VISA_SALE, state).candidates, ['gwa_pine', 'gwa_juspay']);
  });

  it('the exploration share keeps the rule order (about 5% of 1000, seeded)', () => {
    const { state } = setup(seeded(11));
    record(state, 'gwa_pine', 0, 50);
    record(state, 'gwa_juspay', 50, 0);
    let ruleOrder = 0;
    for (let i = 0; i < 1000; i++) {
      const decision = chooseGateways(byRate, ACCOUNTS, VISA_SALE, state);
      if (decision.candidates[0] === 'gwa_pine') {
        ruleOrder++;
        assert.equal(decision.explanation.successRate?.exploring, true);
      } else assert.equal(decision.candidates[0], 'gwa_juspay');
    }
    assert.ok(ruleOrder >= 20 && ruleOrder <= 90, `rule order kept ${ruleOrder} times of 1000, expected about 50`);
  });

  it('a volume split keeps its drawn account first; the rest are ordered by rate', () => {
    const weighted = policy({
      rules: [],
      default: [
        { account: 'pine-main', weight: 100 },
        { account: 'juspay-main', weight: 0 },
        { account: 'acquirer', weight: 0 },
      ],
      success_rate: { enabled: true, min_sample: 20, exploration: 0 },
    });
    const { state } = setup(() => 0.5);
    record(state, 'gwa_pine', 0, 50);
    record(state, 'gwa_juspay', 10, 40);
    record(state, 'gwa_acquirer', 50, 0);
    const decision = chooseGateways(weighted, ACCOUNTS, VISA_SALE, state, { maxCandidates: 3 });
    assert.deepEqual(decision.candidates, ['gwa_pine', 'gwa_acquirer', 'gwa_juspay']);
  });
});

describe('circuit breaker', () => {
  const rules = policy({ rules: [], default: ['pine-main', 'juspay-main'], circuit: { failures: 5, cooldown: '30s' } });
  const first = (state: RoutingState) => chooseGateways(rules, ACCOUNTS, VISA_SALE, state);
  const failTimes = (state: RoutingState, account: string, n: number) => {
    for (let i = 0; i < n; i++) state.circuits.recordTransport(account, false);
  };

  it('opens after K consecutive transport failures; a success in between starts the count again', () => {
    const { state } = setup();
    failTimes(state, 'gwa_pine', 4);
    state.circuits.recordTransport('gwa_pine', true);
    failTimes(state, 'gwa_pine', 4);
    assert.deepEqual(first(state).candidates, ['gwa_pine', 'gwa_juspay'], '4 in a row: still closed');
    failTimes(state, 'gwa_pine', 1);
    const decision = first(state);
    assert.deepEqual(decision.candidates, ['gwa_juspay']);
    assert.match(decision.explanation.gateways[0]?.reason ?? '', /^circuit open until 2025-01-01T00:00:30\.000Z$/);
  });

  it('skipped during the cooldown, then one probe at a time; a success closes it', () => {
    const { clock, state } = setup();
    failTimes(state, 'gwa_pine', 5);
    clock.advance(29_999);
    assert.deepEqual(first(state).candidates, ['gwa_juspay']);
    clock.advance(1);
    const probe = first(state);
    assert.deepEqual(probe.candidates, ['gwa_pine', 'gwa_juspay']);
    assert.deepEqual(probe.probes, ['gwa_pine']);
    const whileProbing = first(state);
    assert.deepEqual(whileProbing.candidates, ['gwa_juspay'], 'a second authorization skips it while the probe is out');
    assert.match(whileProbing.explanation.gateways[0]?.reason ?? '', /probe is already in flight/);
    state.circuits.recordTransport('gwa_pine', true);
    assert.deepEqual(first(state).candidates, ['gwa_pine', 'gwa_juspay']);
    assert.deepEqual(first(state).probes, []);
  });

  it('a failed probe opens it again for another cooldown', () => {
    const { clock, state } = setup();
    failTimes(state, 'gwa_pine', 5);
    clock.advance(30_000);
    assert.deepEqual(first(state).probes, ['gwa_pine']);
    clock.advance(2_000);
    state.circuits.recordTransport('gwa_pine', false);
    assert.deepEqual(first(state).candidates, ['gwa_juspay']);
    clock.advance(29_999);
    assert.deepEqual(first(state).candidates, ['gwa_juspay']);
    clock.advance(1);
    assert.deepEqual(first(state).probes, ['gwa_pine']);
  });

  it('a probe given back, or never reported within its lease, lets the next one through', () => {
    const { clock, state } = setup();
    failTimes(state, 'gwa_pine', 5);
    clock.advance(30_000);
    assert.deepEqual(first(state).probes, ['gwa_pine']);
    state.circuits.releaseProbe('gwa_pine');
    assert.deepEqual(first(state).probes, ['gwa_pine']);
    clock.advance(59_999);
    assert.deepEqual(first(state).candidates, ['gwa_juspay']);
    clock.advance(1);
    assert.deepEqual(first(state).probes, ['gwa_pine']);
  });

  it('the merchant sets K and the cooldown', () => {
    const strict = policy({ rules: [], default: ['pine-main', 'juspay-main'], circuit: { failures: 2, cooldown: '2m' } });
    const { clock, state } = setup();
    failTimes(state, 'gwa_pine', 2);
    assert.deepEqual(chooseGateways(strict, ACCOUNTS, VISA_SALE, state).candidates, ['gwa_juspay']);
    clock.advance(119_000);
    assert.deepEqual(chooseGateways(strict, ACCOUNTS, VISA_SALE, state).candidates, ['gwa_juspay']);
    clock.advance(1_000);
    assert.deepEqual(chooseGateways(strict, ACCOUNTS, VISA_SALE, state).probes, ['gwa_pine']);
  });

  it('every circuit open: the accounts are returned anyway, least recently failed first, and flagged', () => {
    const { clock, state } = setup();
    failTimes(state, 'gwa_juspay', 5);
    clock.advance(1_000);
    failTimes(state, 'gwa_pine', 5);
    const decision = first(state);
    assert.equal(decision.allCircuitsOpen, true);
    assert.deepEqual(decision.candidates, ['gwa_juspay', 'gwa_pine']);
    assert.deepEqual(
      decision.explanation.gateways.map((g) => [g.account, g.status]),
      [
        ['gwa_pine', 'forced'],
        ['gwa_juspay', 'forced'],
      ],
    );
    assert.match(explanationLines(decision.explanation).join('\n'), /Every usable account's circuit is open: trying them anyway/);
  });

  it('only the candidates needed are admitted: a half-open account past them keeps its probe', () => {
    const three = policy({ rules: [], default: ['pine-main', 'juspay-main', 'acquirer'] });
    const { clock, state } = setup();
    failTimes(state, 'gwa_acquirer', 5);
    clock.advance(30_000);
    const decision = chooseGateways(three, ACCOUNTS, VISA_SALE, state);
    assert.deepEqual(decision.candidates, ['gwa_pine', 'gwa_juspay']);
    assert.deepEqual(decision.probes, []);
    assert.equal(decision.explanation.gateways[2]?.status, 'spare');
    state.circuits.recordTransport('gwa_pine', false);
    failTimes(state, 'gwa_pine', 4);
    assert.deepEqual(chooseGateways(three, ACCOUNTS, VISA_SALE, state).probes, ['gwa_acquirer']);
  });
});
