/**
 * One circuit breaker per gateway account, in this process (docs/routing.md "Circuit breaker").
 * After `failures` consecutive transport failures an account is skipped for the cooldown; then it
 * is half-open: one probe at a time is let through, and its outcome closes the circuit (success)
 * or opens it for another cooldown (failure).
 *
 * The state is two facts per account, the run of failures and when the last one happened;
 * closed, open and half-open are read from them against the merchant's policy, so a change of
 * policy applies at once.
 */
import type { Clock } from '../../domain/clock.js';
import type { CircuitPolicy } from './routing-policy.js';

export type CircuitState = { state: 'closed' } | { state: 'open'; until: Date } | { state: 'half-open'; probeInFlight: boolean };

export type Admission = { admitted: true; probe: boolean } | { admitted: false; state: CircuitState };

interface AccountCircuit {
  consecutiveFailures: number;
  lastFailureAt: number;
  /** While a probe is out: when its lease ends even if its outcome is never recorded. */
  probeLeaseUntil: number | null;
}

/**
 * How long a probe holds the half-open circuit when its outcome is never recorded (its caller
 * used another account first, or crashed): longer than any upstream call may last.
 */
export const DEFAULT_PROBE_LEASE_MS = 60_000;

export class CircuitBreakers {
  private readonly circuits = new Map<string, AccountCircuit>();
  private readonly probeLeaseMs: number;

  constructor(
    private readonly clock: Clock,
    options: { probeLeaseMs?: number } = {},
  ) {
    this.probeLeaseMs = options.probeLeaseMs ?? DEFAULT_PROBE_LEASE_MS;
  }

  /** The account's circuit now, without changing it. */
  state(accountId: string, policy: CircuitPolicy): CircuitState {
    const circuit = this.circuits.get(accountId);
    if (!circuit || circuit.consecutiveFailures < policy.failures) return { state: 'closed' };
    const now = this.clock.now().getTime();
    const reopensAt = circuit.lastFailureAt + policy.cooldownMs;
    if (now < reopensAt) return { state: 'open', until: new Date(reopensAt) };
    return { state: 'half-open', probeInFlight: circuit.probeLeaseUntil !== null && now < circuit.probeLeaseUntil };
  }

  /**
   * Whether an authorization may go to the account now. Letting one through a half-open circuit
   * takes the probe: no other is let through until its outcome is recorded or its lease ends.
   */
  admit(accountId: string, policy: CircuitPolicy): Admission {
    const state = this.state(accountId, policy);
    if (state.state === 'closed') return { admitted: true, probe: false };
    if (state.state === 'open' || state.probeInFlight) return { admitted: false, state };
    const circuit = this.circuits.get(accountId);
    if (circuit) circuit.probeLeaseUntil = this.clock.now().getTime() + this.probeLeaseMs;
    return { admitted: true, probe: true };
  }

  /** Gives back a probe that was taken but not sent (another account was used first). */
  releaseProbe(accountId: string): void {
    const circuit = this.circuits.get(accountId);
    if (circuit) circuit.probeLeaseUntil = null;
  }

  /**
   * The transport outcome of a call to the account: `ok` when the gateway answered at all (a
   * decline included); not ok when the request was never sent or no answer came.
   */
  recordTransport(accountId: string, ok: boolean): void {
    if (ok) {
      this.circuits.delete(accountId);
      return;
    }
    const circuit = this.circuits.get(accountId);
    const now = this.clock.now().getTime();
    if (circuit) {
      circuit.consecutiveFailures += 1;
      circuit.lastFailureAt = now;
      circuit.probeLeaseUntil = null;
    } else this.circuits.set(accountId, { consecutiveFailures: 1, lastFailureAt: now, probeLeaseUntil: null });
  }

  /** When the account last failed in its current run of failures; null when it has none. */
  lastFailureAt(accountId: string): Date | null {
    const circuit = this.circuits.get(accountId);
    return circuit ? new Date(circuit.lastFailureAt) : null;
  }
}
