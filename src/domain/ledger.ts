/**
 * Double-entry postings for every money movement of an order. Each journal entry's postings sum
 * to zero. Accounts are per order:
 *   customer  – the cardholder's available funds (goes negative while money is held or captured)
 *   held      – funds reserved by an authorization and not yet captured or released
 *   merchant  – captured funds owed to the merchant (reduced by refunds)
 * Invariants: captured + reversed + held = authorized, refunded ≤ captured.
 */
export type LedgerAccount = 'customer' | 'held' | 'merchant';
export type JournalKind = 'AUTHORIZE' | 'CAPTURE' | 'REVERSE' | 'REFUND';

export interface Posting {
  account: LedgerAccount;
  amount: number;
}

export interface JournalEntry {
  kind: JournalKind;
  /** The row that caused it (payment, capture, reversal or refund id); unique per kind. */
  referenceId: string;
  currency: string;
  postings: Posting[];
}

const MOVEMENTS: Readonly<Record<JournalKind, { from: LedgerAccount; to: LedgerAccount }>> = {
  AUTHORIZE: { from: 'customer', to: 'held' },
  CAPTURE: { from: 'held', to: 'merchant' },
  REVERSE: { from: 'held', to: 'customer' },
  REFUND: { from: 'merchant', to: 'customer' },
};

export function journalEntry(kind: JournalKind, referenceId: string, amount: number, currency: string): JournalEntry {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`ledger amount must be a positive integer, got ${amount}`);
  const { from, to } = MOVEMENTS[kind];
  return {
    kind,
    referenceId,
    currency,
    postings: [
      { account: from, amount: -amount },
      { account: to, amount },
    ],
  };
}

export interface LedgerTotals {
  authorized: number;
  captured: number;
  reversed: number;
  refunded: number;
  held: number;
}

/** Totals per movement kind and the held balance, from an order's journal entries. */
export function ledgerTotals(entries: readonly JournalEntry[]): LedgerTotals {
  const totals: LedgerTotals = { authorized: 0, captured: 0, reversed: 0, refunded: 0, held: 0 };
  const byKind: Record<JournalKind, keyof LedgerTotals> = {
    AUTHORIZE: 'authorized',
    CAPTURE: 'captured',
    REVERSE: 'reversed',
    REFUND: 'refunded',
  };
  for (const entry of entries) {
    const moved = entry.postings.reduce((sum, p) => sum + (p.amount > 0 ? p.amount : 0), 0);
    totals[byKind[entry.kind]] += moved;
    for (const p of entry.postings) if (p.account === 'held') totals.held += p.amount;
  }
  return totals;
}
