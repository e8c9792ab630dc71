/**
 * Checks a rules file against the schema and then against the merchant's accounts
 * (docs/routing.md "Validation"). Every problem is reported at once, each naming its field; a file
 * that passes comes back with every account named by its id, the form that is stored.
 */
import { Value } from '@sinclair/typebox/value';
import { findAccount, type RoutingAccount } from './accounts.js';
import { parseCooldown } from './routing-policy.js';
import {
  CircuitSettings,
  DEFAULT_MIN_SAMPLE,
  DEFAULT_WINDOW,
  GatewayList,
  RoutingRulesSchema,
  SuccessRateSettings,
  type GatewayListSpec,
  type RoutingRulesFile,
} from './rules-schema.js';
import { inFileOrder, schemaProblems, type RuleProblem } from './schema-problems.js';

export type RulesValidation = { ok: true; file: RoutingRulesFile } | { ok: false; problems: RuleProblem[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateRoutingRules(input: unknown, accounts: readonly RoutingAccount[]): RulesValidation {
  const problems = schemaProblems(Value.Errors(RoutingRulesSchema, input));
  // The checks beyond the schema run on every part that is well formed enough for them, so one
  // pass names every problem, not only the schema's.
  if (isRecord(input)) {
    if (Array.isArray(input.rules)) {
      const names = new Map<string, number>();
      input.rules.forEach((rule: unknown, index) => {
        if (!isRecord(rule)) return;
        const at = `rules[${index}]`;
        if (typeof rule.name === 'string') {
          const first = names.get(rule.name);
          if (first === undefined) names.set(rule.name, index);
          else problems.push({ path: `${at}.name`, message: `must be unique: rules[${first}] is also named "${rule.name}"` });
        }
        const amount = isRecord(rule.match) ? rule.match.amount : undefined;
        if (isRecord(amount) && typeof amount.min === 'number' && typeof amount.max === 'number' && amount.min > amount.max)
          problems.push({ path: `${at}.match.amount`, message: `min (${amount.min}) must not be above max (${amount.max})` });
        problems.push(...gatewayListProblems(rule.gateways, `${at}.gateways`, accounts));
      });
    }
    problems.push(...gatewayListProblems(input.default, 'default', accounts));
    if (Value.Check(SuccessRateSettings, input.success_rate)) {
      const window = input.success_rate.window ?? DEFAULT_WINDOW;
      const minSample = input.success_rate.min_sample ?? DEFAULT_MIN_SAMPLE;
      if (minSample > window) problems.push({ path: 'success_rate.min_sample', message: `must not be above the window (${window})` });
    }
    if (
      Value.Check(CircuitSettings, input.circuit) &&
      input.circuit.cooldown !== undefined &&
      parseCooldown(input.circuit.cooldown) === undefined
    )
      problems.push({ path: 'circuit.cooldown', message: 'must be a duration such as 30s or 2m, from 1s to 1h' });
  }
  if (problems.length > 0 || !Value.Check(RoutingRulesSchema, input))
    return { ok: false, problems: inFileOrder(RoutingRulesSchema, problems) };
  return { ok: true, file: withAccountIds(input, accounts) };
}

/**
 * The list's accounts, each entry whose reference is a string (whatever else is wrong with the
 * list), and, for a list that is well formed, the rules across its entries.
 */
function gatewayListProblems(list: unknown, at: string, accounts: readonly RoutingAccount[]): RuleProblem[] {
  if (!Array.isArray(list)) return [];
  const problems: RuleProblem[] = [];
  if (Value.Check(GatewayList, list)) {
    const named = list.filter((entry) => typeof entry === 'string').length;
    if (named > 0 && named < list.length)
      problems.push({ path: at, message: 'must be all account names or ids, or all { "account", "weight" }, not a mix' });
    if (named === 0 && list.every((entry) => typeof entry !== 'string' && entry.weight === 0))
      problems.push({ path: at, message: 'must give at least one account a weight above 0' });
  }
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const reference = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.account === 'string' ? entry.account : undefined;
    if (reference === undefined || reference === '') return;
    const path = typeof entry === 'string' ? `${at}[${index}]` : `${at}[${index}].account`;
    const lookup = findAccount(accounts, reference);
    if (!lookup.found) {
      problems.push({
        path,
        message:
          lookup.problem === 'ambiguous'
            ? `"${reference}" names more than one gateway account of this merchant: use the account's id`
            : `no gateway account "${reference}" for this merchant`,
      });
      return;
    }
    const earlier = seen.get(lookup.account.id);
    if (earlier !== undefined) problems.push({ path, message: `"${reference}" is already in this list at ${at}[${earlier}]` });
    else seen.set(lookup.account.id, index);
  });
  return problems;
}

/** The file with every account reference replaced by the account's id (the names may change later). */
function withAccountIds(file: RoutingRulesFile, accounts: readonly RoutingAccount[]): RoutingRulesFile {
  const idOf = (reference: string) => {
    const lookup = findAccount(accounts, reference);
    return lookup.found ? lookup.account.id : reference;
  };
  const list = (spec: GatewayListSpec): GatewayListSpec =>
    spec.map((entry) => (typeof entry === 'string' ? idOf(entry) : { account: idOf(entry.account), weight: entry.weight }));
  return {
    ...file,
    rules: file.rules.map((rule) => ({ ...rule, gateways: list(rule.gateways) })),
    default: list(file.default),
  };
}
