import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PineLabsClient, uniqueRef } from '../helpers/pinelabs-client.js';
import { onPostgres, openTestDatabase, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { freePort } from '../helpers/free-port.js';

/**
 * What a user who never cloned the repository gets: `npm pack`, the tarball installed into an
 * empty directory the way the Dockerfile installs it (test/distribution/write-install-manifest.mjs,
 * from npm's cache only), then `npx holdfast start` there and one Pine Labs capture. A file left out
 * of package.json's `files` fails here. Reads dist/ as `npm run build` left it; builds nothing.
 * On PGlite the merchant is created before the start (the embedded database belongs to one process);
 * on PostgreSQL it is created while the server runs.
 */

const exec = promisify(execFile);
const REPOSITORY = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'holdfast-pack-'));

/** This process's environment without anything that configures Holdfast, so only what a test sets applies. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(HOLDFAST_|DATABASE_URL$|TEST_DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(name)),
  );
  return { ...env, ...extra };
}

/** Every file below `dir`, as paths relative to the repository with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(REPOSITORY, path).split('\\').join('/')];
  });
}

/** SIGTERM to every process of the group `pid` leads, then waits until none is left (30 s at most, then SIGKILL). */
async function stopGroup(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}

interface Packed {
  filename: string;
  files: { path: string }[];
}

describe('the packed package, installed into an empty directory', { timeout: 400_000 }, () => {
  let packed: Packed;
  let contents: Set<string>;

  before(async () => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the other test files reading it.
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: REPOSITORY,
      env: cleanEnv({}),
      timeout: 60_000,
    });
    packed = (JSON.parse(stdout) as Packed[])[0]!;
    contents = new Set(packed.files.map((f) => f.path));
  });

  after(() => {
    // A server's database may still be closing its files as the stop returns: retry for a moment.
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  });

  it('holds the compiled server, the web and dashboard assets, the migrations, bin/, README and LICENSE, and nothing else', () => {
    const outside = [...contents].filter(
      (path) => !/^(package\.json|README\.md|LICENSE|NOTICE|bin\/.+|dist\/.+|migrations\/.+)$/.test(path),
    );
    assert.deepEqual(outside, [], 'only what a user runs');
    assert.deepEqual(
      [...contents].filter((path) => /^dist\/(test|bench|scripts|src)\//.test(path)),
      [],
      'no tests, bench or scripts compiled into dist/',
    );
    assert.deepEqual(
      [...contents].filter((path) => path.endsWith('.map') && !path.startsWith('dist/web/')),
      [],
      'no source maps but the browser assets',
    );

    const needed = [
      'LICENSE',
      'NOTICE',
      'README.md',
      'bin/holdfast.js',
      'dist/web/checkout.js',
      'dist/web/checkout.css',
      'dist/dashboard/index.html',
      ...filesUnder(join(REPOSITORY, 'migrations')),
      ...filesUnder(join(REPOSITORY, 'src'))
        .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
        .map((path) => path.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')),
    ];
    assert.deepEqual(
      needed.filter((path) => !contents.has(path)),
      [],
      'every compiled source file, migration and asset',
    );

    const dashboardPage = readFileSync(join(REPOSITORY, 'dist', 'dashboard', 'index.html'), 'utf8');
    const dashboardAssets = [...dashboardPage.matchAll(/"\/dashboard\/(assets\/[^"]+)"/g)].map((m) => `dist/dashboard/${m[1]!}`);
    assert.ok(dashboardAssets.length >= 2, dashboardPage);
    assert.deepEqual(
      dashboardAssets.filter((path) => !contents.has(path)),
      [],
      "every file the dashboard's page loads",
    );
  });

  it('is what the Dockerfile installs the same way: packed without scripts, the same install manifest, npm ci --omit=dev', () => {
    const dockerfile = readFileSync(join(REPOSITORY, 'Dockerfile'), 'utf8');
    for (const step of [
      'npm pack --ignore-scripts',
      'node test/distribution/write-install-manifest.mjs',
      'npm ci --omit=dev',
      'USER node',
      '/healthz',
    ]) {
      assert.ok(dockerfile.includes(step), `the Dockerfile has ${step}`);
    }
  });

  it('installs from the local cache without devDependencies, and `npx holdfast` serves a Pine Labs capture with a merchant from `holdfast merchant create`', async () => {
    const app = join(work, 'app');
    await exec(
      process.execPath,
      [join(REPOSITORY, 'test', 'distribution', 'write-install-manifest.mjs'), join(work, packed.filename), app],
      {
        timeout: 10_000,
      },
    );
    await exec('npm', ['ci', '--offline', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, env: cleanEnv({}), timeout: 180_000 });
    assert.ok(existsSync(join(app, 'node_modules', 'holdfast', 'dist', 'cli', 'main.js')));
    for (const buildTool of ['typescript', 'tsx', 'vite']) {
      assert.ok(!existsSync(join(app, 'node_modules', buildTool)), `${buildTool} is not installed, so not needed`);
    }

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const database = onPostgres ? await openTestDatabase() : undefined;
    const env = cleanEnv({
      PORT: String(port),
      HOLDFAST_DATA_DIR: join(app, 'data'),
      HOLDFAST_METRICS_PORT: 'off',
      LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database.url!, HOLDFAST_MASTER_KEY: TEST_MASTER_KEY } : {}),
    });
    const createMerchant = async () => {
      const { stdout } = await exec('npx', ['--offline', 'holdfast', 'merchant', 'create', '--name', 'Packed', '--json'], {
        cwd: app,
        env,
        // A new embedded database is created and migrated first: slow on a loaded machine.
        timeout: 150_000,
      });
      return JSON.parse(stdout);
    };

    let server: ChildProcess | undefined;
    try {
      const merchantBeforeStart = database ? undefined : await createMerchant();
      // Its own process group: npx runs holdfast as a grandchild, and the stop reaches both.
      server = spawn('npx', ['--offline', 'holdfast', 'start', '--workers', '1'], {
        cwd: app,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 150_000;
      while (!output.includes('Holdfast listening') && Date.now() < deadline && server.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(output, /Holdfast listening on http:\/\/127\.0\.0\.1:\d+/, output);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);

      // The installed package finds its own browser assets and dashboard beside dist/.
      const script = await fetch(`${base}/assets/checkout.js`);
      assert.equal(script.status, 200);
      assert.equal(await script.text(), readFileSync(join(REPOSITORY, 'dist', 'web', 'checkout.js'), 'utf8'));
      const dashboard = await fetch(`${base}/dashboard/`);
      assert.equal(dashboard.status, 200);
      assert.match(await dashboard.text(), /\/dashboard\/assets\/index-[^"]+\.js/);

      const merchant = merchantBeforeStart ?? (await createMerchant());
      const client = await PineLabsClient.login(base, merchant);
      const order = await client.createOrder(10000);
      assert.equal(order.status, 200, JSON.stringify(order.body));
      const orderId: string = order.body.data.order_id;
      const paid = await client.pay(orderId, 10000);
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal(paid.body.data.status, 'AUTHORIZED');
      const captured = await client.capture(orderId, { merchant_capture_reference: uniqueRef('cap') });
      assert.equal(captured.status, 200, JSON.stringify(captured.body));
      assert.equal(captured.body.data.status, 'PROCESSED');
    } finally {
      if (server?.pid !== undefined) await stopGroup(server.pid);
      await database?.close();
    }
    await assert.rejects(fetch(`${base}/healthz`), 'the server stopped');
  });
});
