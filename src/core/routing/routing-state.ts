/**
 * Routing's in-process state (docs/routing.md "State"): circuit breakers and success rates live in
 * each Holdfast process, fed by the caller that sends authorizations, and start empty.
 */
import type { Clock } from '../../domain/clock.js';
import { CircuitBreakers } from './circuit-breakers.js';
import { SuccessRates } from './success-rates.js';

export interface RoutingState {
  circuits: CircuitBreakers;
  successRates: SuccessRates;
  /** Uniform in [0, 1): draws the volume split and the exploration share. */
  random: () => number;
}

export function createRoutingState(options: { clock: Clock; random?: () => number; probeLeaseMs?: number }): RoutingState {
  return {
    circuits: new CircuitBreakers(options.clock, options.probeLeaseMs === undefined ? {} : { probeLeaseMs: options.probeLeaseMs }),
    successRates: new SuccessRates(),
    // Splitting traffic needs no unpredictability, only an even spread.
    random: options.random ?? Math.random,
  };
}
