/**
 * A merchant's routing rules: validated against the schema and its gateway accounts before
 * anything is stored, read back as stored (docs/routing.md "Validation").
 */
import { noteRoutingRulesChanged } from '../gateway-account-changes.js';
import { Value } from '@sinclair/typebox/value';
import type { Clock } from '../../domain/clock.js';
import type { Queryable } from '../../store/db.js';
import { findMerchant } from '../../store/merchants-repository.js';
import { deleteRoutingRules, findRoutingRules, upsertRoutingRules } from '../../store/routing-rules-repository.js';
import type { LoadRoutingAccounts } from './accounts.js';
import { RoutingRulesSchema, type RoutingRulesFile } from './rules-schema.js';
import { validateRoutingRules } from './rules-validation.js';
import { inSchemaOrder } from './schema-order.js';
import type { RuleProblem } from './schema-problems.js';

export interface RoutingRulesDeps {
  db: Queryable;
  clock: Clock;
  loadAccounts: LoadRoutingAccounts;
}

export interface StoredRules {
  rules: RoutingRulesFile;
  updatedAt: Date;
}

export type SetRulesResult =
  ({ ok: true } & StoredRules) | { ok: false; reason: 'no_merchant' } | { ok: false; reason: 'invalid'; problems: RuleProblem[] };

/** Validates `input` (a parsed rules file) against the merchant's accounts and, only if it passes, stores it. */
export async function setRoutingRules(deps: RoutingRulesDeps, merchantId: string, input: unknown): Promise<SetRulesResult> {
  if (!(await findMerchant(deps.db, merchantId))) return { ok: false, reason: 'no_merchant' };
  const validation = validateRoutingRules(input, await deps.loadAccounts(merchantId));
  if (!validation.ok) return { ok: false, reason: 'invalid', problems: validation.problems };
  const stored = await upsertRoutingRules(deps.db, merchantId, validation.file, deps.clock.now());
  noteRoutingRulesChanged(merchantId);
  return { ok: true, rules: validation.file, updatedAt: stored.updatedAt };
}

/** The merchant's rules as stored (accounts by id); undefined when it has none. */
export async function getRoutingRules(deps: { db: Queryable }, merchantId: string): Promise<StoredRules | undefined> {
  const stored = await findRoutingRules(deps.db, merchantId);
  if (!stored) return undefined;
  // Stored only after validation; a row that fails now was written by hand or by a looser version.
  if (!Value.Check(RoutingRulesSchema, stored.rules))
    throw new Error(`the stored routing rules of ${merchantId} are not a valid rules file`);
  return { rules: inSchemaOrder(RoutingRulesSchema, stored.rules) as RoutingRulesFile, updatedAt: stored.updatedAt };
}

/** Removes the merchant's rules: it goes back to its own connector. False when it had none. */
export async function clearRoutingRules(deps: { db: Queryable }, merchantId: string): Promise<boolean> {
  const cleared = await deleteRoutingRules(deps.db, merchantId);
  noteRoutingRulesChanged(merchantId);
  return cleared;
}
