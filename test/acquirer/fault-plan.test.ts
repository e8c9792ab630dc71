import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFaultPlan, defaultFaultSettings, faultSettingsProblems, type Fault } from '../../src/acquirer/faults.js';

const DRAWS = 4000;

function draw(overrides: Parameters<typeof defaultFaultSettings>[0], inquiry = false, count = DRAWS) {
  const plan = createFaultPlan(defaultFaultSettings({ seed: 42, ...overrides }));
  return Array.from({ length: count }, () => plan.next({ inquiry }));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The fault plan alone: seeded, exact shares, a long-tailed latency; no timing involved. */
describe('acquirer fault plan', () => {
  it('is all quiet by default', () => {
    assert.ok(draw({}).every((d) => d.fault === null && d.latencyMs === 0));
  });

  it('replays the same draws for the same seed, and others for another seed', () => {
    const settings = { errorRate: 0.3, latencyMedianMs: 10 };
    assert.deepEqual(draw(settings, false, 200), draw(settings, false, 200));
    assert.notDeepEqual(draw(settings, false, 200), draw({ ...settings, seed: 43 }, false, 200));
  });

  for (const [fault, setting] of [
    ['timeout', 'timeoutRate'],
    ['error', 'errorRate'],
    ['reset', 'resetRate'],
    ['late_success', 'lateSuccessRate'],
  ] as const) {
    it(`${setting} 1 gives every request the ${fault} fault`, () => {
      assert.ok(draw({ [setting]: 1 }).every((d) => d.fault === fault));
    });
  }

  it('rates are shares of requests', () => {
    const counts = new Map<Fault | null, number>();
    for (const d of draw({ timeoutRate: 0.1, errorRate: 0.2, resetRate: 0.05, lateSuccessRate: 0.15 }))
      counts.set(d.fault, (counts.get(d.fault) ?? 0) + 1);
    const share = (fault: Fault | null) => (counts.get(fault) ?? 0) / DRAWS;
    assert.ok(Math.abs(share('timeout') - 0.1) < 0.03, `timeout ${share('timeout')}`);
    assert.ok(Math.abs(share('error') - 0.2) < 0.03, `error ${share('error')}`);
    assert.ok(Math.abs(share('reset') - 0.05) < 0.03, `reset ${share('reset')}`);
    assert.ok(Math.abs(share('late_success') - 0.15) < 0.03, `late success ${share('late_success')}`);
    assert.ok(Math.abs(share(null) - 0.5) < 0.03, `none ${share(null)}`);
  });

  it('draws latency from a long-tailed distribution with the configured median and p99', () => {
    const latencies = draw({ latencyMedianMs: 40, latencyP99Ms: 400 }, false, 20_000)
      .map((d) => d.latencyMs)
      .sort((a, b) => a - b);
    const median = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    assert.ok(median >= 36 && median <= 44, `median ${median}`);
    assert.ok(p99 >= 340 && p99 <= 460, `p99 ${p99}`);
    assert.ok(quantile(latencies, 0.999) > p99, 'the tail goes on past the p99');
    assert.ok(latencies.at(-1)! <= 4000, 'capped at 10 × the p99');
  });

  it('the p99 defaults to 5 × the median', () => {
    assert.equal(defaultFaultSettings({ latencyMedianMs: 30 }).latencyP99Ms, 150);
  });

  it('leaves inquiries alone unless faultInquiries', () => {
    assert.ok(draw({ timeoutRate: 1, latencyMedianMs: 5 }, true).every((d) => d.fault === null && d.latencyMs === 0));
    assert.ok(draw({ timeoutRate: 1, faultInquiries: true }, true).every((d) => d.fault === 'timeout'));
  });

  it('names every bad setting', () => {
    const problems = faultSettingsProblems(
      defaultFaultSettings({ seed: -1, timeoutRate: 2, errorRate: 0.5, latencyMedianMs: 10, latencyP99Ms: 5 }),
    );
    assert.deepEqual(problems, [
      'seed must be an integer from 0 to 4294967295',
      'latencyP99Ms must be a number ≥ latencyMedianMs',
      'timeoutRate must be a number from 0 to 1',
      'the fault rates are shares of requests and must add up to at most 1 (they add up to 2.5)',
    ]);
    assert.throws(() => createFaultPlan(defaultFaultSettings({ resetRate: 0.6, errorRate: 0.6 })), /must add up to at most 1/);
  });
});
