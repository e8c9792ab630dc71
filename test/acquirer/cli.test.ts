import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpAcquirerConnector } from '../../src/connectors/http-acquirer/connector.js';
import { card, PATIENT_TIMEOUT_MS } from './simulator-fixture.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(process.cwd(), 'bin', 'holdfast.js');
/** Bounds every wait on the child, so a broken start fails the test instead of hanging the suite. */
const START_LIMIT_MS = 20_000;

function holdfast(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
    timeout: START_LIMIT_MS,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `holdfast acquirer …` and resolves once it prints its listening line. */
function startAcquirer(args: string[]): Promise<{ child: ChildProcess; line: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'acquirer', ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line within ${START_LIMIT_MS} ms:\n${output}`));
    }, START_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const line = output.split('\n').find((l) => l.includes('listening on'));
      if (line) {
        clearTimeout(limit);
        resolve({ child, line, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else
      child.once('exit', (code) => {
        resolve(code);
      });
  });
}

describe('holdfast acquirer (command line)', () => {
  const children: ChildProcess[] = [];
  before(() => {
    assert.ok(existsSync(join(process.cwd(), 'dist', 'cli', 'acquirer.js')), 'bin/holdfast.js runs dist/: run `npm run build` first');
  });
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts on the given port, prints one listening line, answers, logs no card number, and stops on SIGTERM', async () => {
    const port = await freePort();
    const { child, line, output } = await startAcquirer(['--port', String(port), '--seed', '7', '--settle-ms', '0']);
    children.push(child);
    assert.match(line, new RegExp(`listening on http://127\\.0\\.0\\.1:${port} \\(seed 7; no faults\\)`));

    const baseUrl = `http://127.0.0.1:${port}`;
    const health = await fetch(`${baseUrl}/v1/health`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const connector = new HttpAcquirerConnector({ baseUrl, timeoutMs: PATIENT_TIMEOUT_MS });
    const outcome = await connector.authorize({
      paymentId: 'cli_pay_1',
      amount: 500,
      currency: 'INR',
      capture: false,
      card: card('4000000000000077'),
    });
    assert.equal(outcome.kind, 'approved');

    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.ok(!output().includes('4000000000000077'), 'the card number is never logged');
  });

  it('rejects a rate outside [0, 1] with a clear message and exit 1', () => {
    const run = holdfast(['acquirer', '--timeout-rate', '2']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--timeout-rate must be a number from 0 to 1 \(got "2"\)/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('names every bad option at once, including rates that add up to more than 1', () => {
    const run = holdfast([
      'acquirer',
      '--port',
      'http',
      '--error-rate',
      '0.7',
      '--reset-rate',
      '0.6',
      '--latency-median-ms',
      '50',
      '--latency-p99-ms',
      '10',
      '--reset-point',
      'during',
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--port must be an integer from 0 to 65535 \(got "http"\)/);
    assert.match(run.stderr, /--latency-p99-ms must be a number of milliseconds ≥ --latency-median-ms \(50\)/);
    assert.match(run.stderr, /--reset-point must be "before" or "after"/);
    assert.match(run.stderr, /must add up to at most 1 \(they add up to 1\.3\)/);
  });

  it('rejects an unknown option, and --help lists the options', () => {
    const unknown = holdfast(['acquirer', '--chaos']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown option '--chaos'/);
    const help = holdfast(['acquirer', '--help']);
    assert.equal(help.code, 0);
    for (const flag of [
      '--port',
      '--seed',
      '--latency-median-ms',
      '--latency-p99-ms',
      '--timeout-rate',
      '--error-rate',
      '--reset-rate',
      '--late-success-rate',
      '--settle-ms',
    ]) {
      assert.ok(help.stdout.includes(flag), flag);
    }
  });
});
