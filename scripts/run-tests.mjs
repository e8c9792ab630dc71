#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner (TypeScript through tsx), so the
// runner's summary closes the run. Node 20's --test does not expand globs itself.
// First it makes the run's migrated database image (test/helpers/database-image.ts), which every
// test file's database starts from, and removes it when the runner ends, whatever the outcome.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'helpers' || name === 'fixtures' ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// Files that never open a database (the acquirer, pure functions) or always use their own embedded
// one (the command line on a data directory): a run against a PostgreSQL server would only repeat
// them, so it leaves them to the run without TEST_DATABASE_URL.
const NO_DATABASE_SERVER = [
  'test/acquirer/',
  'test/unit/config.test.ts',
  'test/unit/domain.test.ts',
  'test/unit/redirect-signatures.test.ts',
  'test/hosted/card-checks.test.ts',
  'test/cli/holdfast-cli.test.ts',
  'test/cli/gateway-cli.test.ts',
  'test/cli/operator-cli.test.ts',
  'test/cli/admin-token-cli.test.ts',
  'test/cli/cli-audit.test.ts',
];

// Files that drive a real browser through pages whose data comes from APIs the PostgreSQL run
// already tests file by file (the admin API, the dialects, the hosted pages' own tests): a second
// browser run would test the browser again, not the database, so they run once, without TEST_DATABASE_URL.
const BROWSER_ONLY_ONCE = ['test/dashboard/dashboard-browser.test.ts', 'test/dashboard/dashboard-actions-browser.test.ts'];

const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const filter = process.argv.slice(2);
const matching = find('test')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
const onceOnly = [...NO_DATABASE_SERVER, ...BROWSER_ONLY_ONCE];
const files = serverUrl ? matching.filter((f) => !onceOnly.some((part) => f.includes(part))) : matching;
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const skipped = matching.length - files.length;
console.log(
  `Running ${files.length} test files on ${serverUrl ? 'PostgreSQL' : 'PGlite'}` +
    (skipped ? ` (${skipped} that use no database server, or only a browser, run only without TEST_DATABASE_URL)` : ''),
);

const { makeRunImage } = await tsImport('../test/helpers/database-image.ts', import.meta.url);
const image = await makeRunImage(serverUrl);
let status = 1;
try {
  const runner = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...image.env },
  });
  // Ctrl-C or a kill stops the runner, and this process stays to remove the image.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => runner.kill(signal));
  status = await new Promise((resolve) => runner.on('close', (code) => resolve(code ?? 1)));
} finally {
  await image.remove();
}
process.exit(status);
