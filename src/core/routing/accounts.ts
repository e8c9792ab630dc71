/**
 * The one thing routing needs to know about a merchant's gateway accounts (docs/routing.md):
 * which exist, what they are called, and whether they may be chosen. Routing takes them as input,
 * so its choices can be worked out (and tested) without the table that holds them.
 */
export interface RoutingAccount {
  /** `gwa_…`: also the name of the connector an authorization is sent through. */
  id: string;
  name: string;
  kind: string;
  /** A disabled account is never chosen, not even as a last resort. */
  disabled: boolean;
}

/** Reads a merchant's gateway accounts (src/store/routing-accounts-repository.ts in the application). */
export type LoadRoutingAccounts = (merchantId: string) => Promise<RoutingAccount[]>;

export type AccountLookup = { found: true; account: RoutingAccount } | { found: false; problem: 'unknown' | 'ambiguous' };

/** The account a rules file names: by id first, else by name (which must then be unique). */
export function findAccount(accounts: readonly RoutingAccount[], reference: string): AccountLookup {
  const byId = accounts.find((a) => a.id === reference);
  if (byId) return { found: true, account: byId };
  const byName = accounts.filter((a) => a.name === reference);
  if (byName.length === 1 && byName[0]) return { found: true, account: byName[0] };
  return { found: false, problem: byName.length > 1 ? 'ambiguous' : 'unknown' };
}
