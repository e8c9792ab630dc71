import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { PineLabsClient } from '../helpers/pinelabs-client.js';
import { parseExposition, samplesOf, valueOf } from '../helpers/prometheus-text.js';
import { onPostgres, openTestDatabase, TEST_MASTER_KEY } from '../helpers/test-database.js';
import { freePort } from '../helpers/free-port.js';

describe(
  'metrics of holdfast start --workers 2: served by the primary, summed over the workers',
  { skip: !onPostgres && 'needs PostgreSQL: the embedded database belongs to one process' },
  () => {
    let db: Db & { url?: string };
    let server: ChildProcess;
    let client: PineLabsClient;
    let metricsUrl: string;
    let output = '';
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-cluster-metrics-'));
    before(async () => {
      db = await openTestDatabase();
      const [port, metricsPort] = [await freePort(), await freePort()];
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      server = spawn(process.execPath, [join(process.cwd(), 'bin', 'holdfast.js'), 'start', '--workers', '2'], {
        env: {
          PATH: process.env.PATH ?? '',
          HOLDFAST_MASTER_KEY: TEST_MASTER_KEY,
          DATABASE_URL: db.url!,
          PORT: String(port),
          HOLDFAST_METRICS_PORT: String(metricsPort),
          HOLDFAST_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const collect = (c: Buffer) => {
        output += c.toString();
      };
      server.stdout!.on('data', collect);
      server.stderr!.on('data', collect);
      const deadline = Date.now() + 120_000;
      while (!output.includes('Holdfast listening') && Date.now() < deadline && server.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(output, /Holdfast listening on .*2 workers/, output);
      const sandbox = JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8'));
      client = await PineLabsClient.login(`http://127.0.0.1:${port}`, sandbox);
    });
    after(async () => {
      server.kill('SIGTERM');
      await new Promise((r) => {
        if (server.exitCode === null) server.once('exit', r);
        else r(null);
      });
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('counts every request and gateway call once whichever worker served it, and the database gauges once', async () => {
      const orders = 8;
      // Kept apart by the workers' shared port: the requests spread over both.
      await Promise.all(Array.from({ length: orders }, () => client.authorizedOrder(1500)));
      const response = await fetch(metricsUrl);
      assert.equal(response.status, 200, output);
      const text = await response.text();
      const samples = parseExposition(text);
      const route = (r: string) => valueOf(samples, 'holdfast_http_requests_total', { method: 'POST', route: r, status: '200' });
      assert.equal(route('/api/auth/v1/token'), 1);
      assert.equal(route('/api/pay/v1/orders'), orders);
      assert.equal(route('/api/pay/v1/orders/:order_id/payments'), orders);
      assert.equal(
        valueOf(samples, 'holdfast_gateway_operations_total', { connector: 'sandbox', kind: 'authorize', outcome: 'approved' }),
        orders,
      );
      assert.equal(valueOf(samples, 'holdfast_ledger_held_minor_units', { currency: 'INR' }), orders * 1500);
      assert.equal(samplesOf(samples, 'holdfast_metrics_database_up').length, 1, 'read once, by the primary');
      assert.equal(valueOf(samples, 'holdfast_metrics_database_up'), 1);
      assert.ok(valueOf(samples, 'process_cpu_user_seconds_total') !== undefined);
      const helps = text.split('\n').filter((l) => l.startsWith('# HELP '));
      assert.equal(new Set(helps).size, helps.length, 'each metric described once');
    });
  },
);
