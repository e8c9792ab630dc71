/**
 * The latest final authorization outcomes per gateway account and card network, kept in this
 * process (docs/routing.md "Success-rate ordering"). Only settled outcomes are recorded: a pending
 * or unknown authorization is recorded once the status sync settles it, as approved or not.
 */
import type { CardNetwork } from '../../domain/card.js';
import { MAX_WINDOW } from './rules-schema.js';

export interface SuccessRate {
  approved: number;
  total: number;
}

/** A ring of the last `capacity` outcomes (1 approved, 0 not). */
class OutcomeRing {
  private readonly outcomes: Uint8Array;
  private next = 0;
  private count = 0;

  constructor(capacity: number) {
    this.outcomes = new Uint8Array(capacity);
  }

  push(approved: boolean): void {
    this.outcomes[this.next] = approved ? 1 : 0;
    this.next = (this.next + 1) % this.outcomes.length;
    this.count = Math.min(this.count + 1, this.outcomes.length);
  }

  /** Over the latest `window` outcomes (fewer while fewer were recorded). */
  rate(window: number): SuccessRate {
    const total = Math.min(window, this.count);
    let approved = 0;
    for (let i = 1; i <= total; i++) approved += this.outcomes[(this.next - i + this.outcomes.length) % this.outcomes.length] ?? 0;
    return { approved, total };
  }
}

export class SuccessRates {
  private readonly rings = new Map<string, OutcomeRing>();

  /** `capacity`: the longest window any merchant may ask for. */
  constructor(private readonly capacity = MAX_WINDOW) {}

  recordOutcome(accountId: string, network: CardNetwork, approved: boolean): void {
    const key = keyOf(accountId, network);
    let ring = this.rings.get(key);
    if (!ring) {
      ring = new OutcomeRing(this.capacity);
      this.rings.set(key, ring);
    }
    ring.push(approved);
  }

  rate(accountId: string, network: CardNetwork, window: number): SuccessRate {
    return this.rings.get(keyOf(accountId, network))?.rate(Math.min(window, this.capacity)) ?? { approved: 0, total: 0 };
  }
}

const keyOf = (accountId: string, network: CardNetwork) => `${accountId}\u0000${network}`;
