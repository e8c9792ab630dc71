import type { OrderAggregate } from '../../domain/order.js';
import type { LedgerEntryRow } from '../../store/admin-order-detail-repository.js';

/** `ledger` of an order_detail (docs/admin-api.md): entries with running balances, balances, invariants. */
export interface LedgerView {
  entries: {
    id: number;
    kind: string;
    reference_id: string;
    created_at: string;
    postings: { account: string; amount: number; balance_after: number }[];
  }[];
  balances: Record<string, number>;
  invariants: { name: string; ok: boolean; detail: string }[];
}

/** The accounts of every order's ledger (domain/ledger.ts), shown even while still at zero. */
const ACCOUNTS = ['customer', 'held', 'merchant'] as const;

/**
 * The ledger of one order as read now, with its invariants checked on this very read
 * (domain/ledger.ts): each entry sums to zero; held = authorized − captured − released; nothing is
 * held below zero; refunded ≤ captured; the merchant's balance is captured − refunded; and the
 * refunds posted are the refunds that succeeded.
 */
export function ledgerView(entries: readonly LedgerEntryRow[], aggregate: OrderAggregate): LedgerView {
  const balances: Record<string, number> = Object.fromEntries(ACCOUNTS.map((a) => [a, 0]));
  const moved = { AUTHORIZE: 0, CAPTURE: 0, REVERSE: 0, REFUND: 0 } as Record<string, number>;
  const unbalanced: string[] = [];
  const view = entries.map((entry) => {
    const sum = entry.postings.reduce((s, p) => s + p.amount, 0);
    if (sum !== 0) unbalanced.push(`entry ${entry.id} (${entry.kind} ${entry.referenceId}) sums to ${sum}`);
    moved[entry.kind] = (moved[entry.kind] ?? 0) + entry.postings.reduce((s, p) => s + (p.amount > 0 ? p.amount : 0), 0);
    return {
      id: entry.id,
      kind: entry.kind,
      reference_id: entry.referenceId,
      created_at: entry.createdAt.toISOString(),
      postings: entry.postings.map((p) => {
        balances[p.account] = (balances[p.account] ?? 0) + p.amount;
        return { account: p.account, amount: p.amount, balance_after: balances[p.account] ?? 0 };
      }),
    };
  });
  const authorized = moved.AUTHORIZE ?? 0;
  const captured = moved.CAPTURE ?? 0;
  const released = moved.REVERSE ?? 0;
  const refunded = moved.REFUND ?? 0;
  const held = balances.held ?? 0;
  const merchant = balances.merchant ?? 0;
  const refundsSucceeded = aggregate.refunds.filter((r) => r.status === 'SUCCEEDED').reduce((s, r) => s + r.amount, 0);
  const check = (name: string, ok: boolean, detail: string) => ({ name, ok, detail });
  return {
    entries: view,
    balances,
    invariants: [
      check(
        'entries_sum_to_zero',
        unbalanced.length === 0,
        unbalanced.length === 0 ? `all ${entries.length} entries sum to zero` : unbalanced.join('; '),
      ),
      check(
        'held_is_authorized_minus_captured_minus_released',
        held === authorized - captured - released,
        `held ${held}, authorized ${authorized} − captured ${captured} − released ${released} = ${authorized - captured - released}`,
      ),
      check('held_not_negative', held >= 0, `held ${held}`),
      check(
        'captured_minus_refunded_not_negative',
        captured - refunded >= 0,
        `captured ${captured} − refunded ${refunded} = ${captured - refunded}`,
      ),
      check(
        'merchant_is_captured_minus_refunded',
        merchant === captured - refunded,
        `merchant ${merchant}, captured ${captured} − refunded ${refunded} = ${captured - refunded}`,
      ),
      check(
        'refunds_posted_are_refunds_succeeded',
        refunded === refundsSucceeded,
        `posted ${refunded}, refunds that succeeded ${refundsSucceeded}`,
      ),
    ],
  };
}
