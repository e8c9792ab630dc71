/** Time comes from here so tests (and the capture window) never depend on the wall clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
