/**
 * The SIGKILL run: Holdfast under the mixed load is killed at random moments and started again,
 * `kills` times; then one last start with no load lets the background work settle everything.
 */
import type { ChildProcess } from 'node:child_process';
import { launch, sleep } from './harness.js';
import { mixedLoad } from './load.js';
import type { Merchant } from './harness.js';

export async function runKills(options: {
  kills: number;
  env: Record<string, string>;
  merchant: Merchant;
  random: () => number;
  children: ChildProcess[];
}): Promise<{ kills: number; load: ReturnType<typeof mixedLoad>; stopFinal: () => Promise<void> }> {
  const { env, random, children } = options;
  const load = mixedLoad({ api: `http://127.0.0.1:${env.PORT}`, merchant: options.merchant, random, retry: false });
  let kills = 0;
  for (let cycle = 0; cycle < options.kills; cycle++) {
    const server = await launch(['start'], env, /Holdfast listening/);
    children.push(server.child);
    await load.login();
    let stop = false;
    const running = load.run(6, () => stop);
    await sleep(1500 + random() * 2000);
    server.child.kill('SIGKILL');
    kills += 1;
    await new Promise((r) => server.child.once('exit', r));
    stop = true;
    await running;
  }
  // Last start, no load: background work settles everything left behind.
  const final = await launch(['start'], env, /Holdfast listening/);
  children.push(final.child);
  return {
    kills,
    load,
    async stopFinal() {
      final.child.kill('SIGTERM');
      await new Promise((r) => final.child.once('exit', r));
    },
  };
}
