import type { Clock } from '../../domain/clock.js';
import type { Db, Queryable } from '../../store/db.js';
import { findRoutingRules } from '../../store/routing-rules-repository.js';
import type { LoadRoutingAccounts } from '../routing/accounts.js';
import { clearRoutingRules, setRoutingRules, type SetRulesResult } from '../routing/routing-rules.js';
import { recordAudit } from './audit.js';
import type { ChangeOrigin } from './credentials.js';

/** What storing or removing routing rules needs: the accounts are read in the change's own transaction. */
export interface RoutingChangeDeps {
  db: Db;
  clock: Clock;
  accountsIn: (q: Queryable) => LoadRoutingAccounts;
}

/**
 * Validates and stores a merchant's routing rules (docs/routing.md) and audits the change, the
 * rules before and after, in one transaction; nothing stored or audited when they are refused.
 */
export function setRoutingRulesAudited(
  deps: RoutingChangeDeps,
  merchantId: string,
  input: unknown,
  origin: ChangeOrigin,
): Promise<SetRulesResult> {
  return deps.db.transaction(async (tx) => {
    const before = await findRoutingRules(tx, merchantId);
    const result = await setRoutingRules({ db: tx, clock: deps.clock, loadAccounts: deps.accountsIn(tx) }, merchantId, input);
    if (result.ok) {
      await recordAudit(
        tx,
        origin.actor,
        {
          action: 'routing_rules.set',
          targetType: 'routing_rules',
          targetId: merchantId,
          merchantId,
          before: before?.rules ?? null,
          after: result.rules,
          requestId: origin.requestId ?? null,
        },
        deps.clock.now(),
      );
    }
    return result;
  });
}

/** Removes a merchant's routing rules, audited with what they were; false (nothing audited) when it had none. */
export function clearRoutingRulesAudited(
  deps: Pick<RoutingChangeDeps, 'db' | 'clock'>,
  merchantId: string,
  origin: ChangeOrigin,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const before = await findRoutingRules(tx, merchantId);
    const cleared = await clearRoutingRules({ db: tx }, merchantId);
    if (cleared) {
      await recordAudit(
        tx,
        origin.actor,
        {
          action: 'routing_rules.clear',
          targetType: 'routing_rules',
          targetId: merchantId,
          merchantId,
          before: before?.rules ?? null,
          after: null,
          requestId: origin.requestId ?? null,
        },
        deps.clock.now(),
      );
    }
    return cleared;
  });
}
