import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { LoadRoutingAccounts } from '../core/routing/accounts.js';
import { explanationLines } from '../core/routing/explanation.js';
import { routeAuthorization } from '../core/routing/route-authorization.js';
import { cliActor } from '../core/admin/audit.js';
import { clearRoutingRulesAudited, setRoutingRulesAudited } from '../core/admin/routing-admin.js';
import { getRoutingRules } from '../core/routing/routing-rules.js';
import { createRoutingState } from '../core/routing/routing-state.js';
import type { RoutingAttributes } from '../core/routing/rule-matching.js';
import { CARD_NETWORKS } from '../core/routing/rules-schema.js';
import { describeProblem } from '../core/routing/schema-problems.js';
import type { Queryable } from '../store/db.js';
import { listRoutingAccounts } from '../store/routing-accounts-repository.js';
import { openCliApp } from './context.js';

const USAGE = `usage: holdfast routing set --merchant ID --file RULES.json
       holdfast routing show --merchant ID [--json]
       holdfast routing clear --merchant ID
       holdfast routing explain --merchant ID --network VISA --bin 411111 --amount 10000 --currency INR [--pre-auth] [--json]`;

/** The merchant's gateway accounts, as routing reads them: the one seam between routing and gateway_accounts. */
const accountsFrom =
  (db: Queryable): LoadRoutingAccounts =>
  (merchantId) =>
    listRoutingAccounts(db, merchantId);

/** `holdfast routing set|show|clear|explain`: a merchant's routing rules (docs/routing.md); a change is audited as the CLI. */
export async function routingCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'set':
      return routingSet(rest);
    case 'show':
      return routingShow(rest);
    case 'clear':
      return routingClear(rest);
    case 'explain':
      return routingExplain(rest);
    default:
      throw new Error(USAGE);
  }
}

async function routingSet(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { merchant: { type: 'string' }, file: { type: 'string' } }, strict: true });
  if (!values.merchant || !values.file) throw new Error('routing set needs --merchant ID and --file RULES.json');
  const input = await readRulesFile(values.file);
  const cli = await openCliApp();
  try {
    const { db, clock } = cli.app.ctx;
    const result = await setRoutingRulesAudited({ db, clock, accountsIn: accountsFrom }, values.merchant, input, { actor: cliActor() });
    if (!result.ok && result.reason === 'no_merchant') throw new Error(`no merchant ${values.merchant}`);
    if (!result.ok) {
      for (const problem of result.problems) console.error(describeProblem(problem));
      console.error(`${values.file}: ${result.problems.length} problem(s); nothing was stored.`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `Routing rules of ${values.merchant} stored: ${result.rules.rules.length} rule(s) and a default list, accounts named by id.`,
    );
  } finally {
    await cli.close();
  }
}

async function readRulesFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function routingShow(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.merchant) throw new Error('routing show needs --merchant ID');
  const cli = await openCliApp();
  try {
    const stored = await getRoutingRules(cli.app.ctx, values.merchant);
    if (values.json) {
      console.log(
        JSON.stringify({ merchant_id: values.merchant, rules: stored?.rules ?? null, updated_at: stored?.updatedAt.toISOString() ?? null }),
      );
      return;
    }
    if (!stored) {
      console.log(`No routing rules for ${values.merchant}: its authorizations go to its own connector.`);
      return;
    }
    console.log(`Routing rules of ${values.merchant}, set ${stored.updatedAt.toISOString()}:`);
    console.log(JSON.stringify(stored.rules, null, 2));
  } finally {
    await cli.close();
  }
}

async function routingClear(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { merchant: { type: 'string' } }, strict: true });
  if (!values.merchant) throw new Error('routing clear needs --merchant ID');
  const cli = await openCliApp();
  try {
    const cleared = await clearRoutingRulesAudited(cli.app.ctx, values.merchant, { actor: cliActor() });
    console.log(
      cleared
        ? `Routing rules of ${values.merchant} removed: its authorizations go to its own connector.`
        : `${values.merchant} had no routing rules.`,
    );
  } finally {
    await cli.close();
  }
}

async function routingExplain(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      merchant: { type: 'string' },
      network: { type: 'string' },
      bin: { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      'pre-auth': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.merchant) throw new Error('routing explain needs --merchant ID');
  const attributes = explainAttributes(values);
  const cli = await openCliApp();
  try {
    const { db, clock } = cli.app.ctx;
    // This process has no circuit or success-rate state of its own: every circuit is closed and no
    // outcome is recorded, so the choice is the rules' alone.
    const decision = await routeAuthorization(
      { db, loadAccounts: accountsFrom(db), state: createRoutingState({ clock }) },
      values.merchant,
      attributes,
    );
    if (!decision) throw new Error(`no merchant ${values.merchant}`);
    if (values.json) {
      console.log(
        JSON.stringify({ merchant_id: values.merchant, attributes, candidates: decision.candidates, explanation: decision.explanation }),
      );
      return;
    }
    for (const line of explanationLines(decision.explanation)) console.log(line);
    if (decision.explanation.source === 'rules')
      console.log('(Circuits and success rates live in each server process; this command has none: every circuit closed, no outcomes.)');
  } finally {
    await cli.close();
  }
}

/** The authorization to explain, from the options; every bad one named at once. */
function explainAttributes(values: {
  network?: string;
  bin?: string;
  amount?: string;
  currency?: string;
  'pre-auth'?: boolean;
}): RoutingAttributes {
  const problems: string[] = [];
  const network = CARD_NETWORKS.find((n) => n === values.network?.toUpperCase());
  if (!network) problems.push(`--network must be one of ${CARD_NETWORKS.join(', ')}`);
  const bin = values.bin ?? '';
  if (!/^[0-9]{6,8}$/.test(bin)) problems.push('--bin must be the card number’s first 6 to 8 digits');
  const amount = Number(values.amount);
  if (values.amount === undefined || !/^[0-9]+$/.test(values.amount) || !Number.isSafeInteger(amount))
    problems.push('--amount must be a whole number of minor units (e.g. 10000 for ₹100.00)');
  const currency = values.currency?.toUpperCase() ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) problems.push('--currency must be a three-letter code such as INR');
  if (problems.length > 0 || !network) throw new Error(problems.join('\n'));
  return { network, bin, amount, currency, preAuth: values['pre-auth'] ?? false };
}
