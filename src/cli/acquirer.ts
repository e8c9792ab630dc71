import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildAcquirerServer } from '../acquirer/server.js';
import { defaultFaultSettings, faultSettingsProblems, type FaultSettings } from '../acquirer/faults.js';
import { REDACTED_PATHS } from '../logger.js';

/** Options of `holdfast acquirer`. */
export interface AcquirerCliOptions {
  /** Listening port on 127.0.0.1; 0 picks a free one (the printed line says which). Default 8081. */
  port: number;
  faults: FaultSettings;
  /** How long a pending capture or void stays pending. Default 0. */
  settleMs: number;
  /** pino level of the request and fault lines on stdout. Default `info`. */
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The same option names the usage line shows; the message of every bad one names its flag. */
const RATE_FLAGS = {
  'timeout-rate': 'timeoutRate',
  'error-rate': 'errorRate',
  'reset-rate': 'resetRate',
  'late-success-rate': 'lateSuccessRate',
} as const;

/** What `holdfast acquirer --help` prints. */
export const ACQUIRER_USAGE = `Usage: holdfast acquirer [options]

The acquirer simulator: an HTTP server on 127.0.0.1 playing the bank behind the http-acquirer
connector, with the test cards of docs/test-cards.md and injected faults. Rates are shares of
POST requests (inquiries too with --fault-inquiries) and add up to at most 1.

Options:
  --port N                 listening port (default 8081; 0 picks a free one)
  --seed N                 seed of the fault draws, 0-4294967295 (default random, printed)
  --latency-median-ms MS   median added latency, log-normal (default 0: none)
  --latency-p99-ms MS      its 99th percentile, at least the median (default 5 x the median)
  --timeout-rate R         no answer, nothing done (default 0)
  --error-rate R           503, nothing done (default 0)
  --reset-rate R           connection reset (default 0)
  --reset-point WHEN       before (default: nothing done) or after applying the operation
  --late-success-rate R    applied, then no answer (default 0)
  --fault-inquiries        inquiries (GET) get latency and faults too
  --settle-ms MS           how long a pending capture or void stays pending (default 0)
  --log-level LEVEL        request and fault lines on stdout: ${LOG_LEVELS.join(', ')} (default info)`;

/** `holdfast acquirer [options]`: usage on --help, otherwise validate the options and run. */
export async function acquirerCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(ACQUIRER_USAGE);
    return;
  }
  await runAcquirer(acquirerOptionsFromArgs(args));
}

/** Parses and validates `holdfast acquirer` arguments; throws one Error naming every bad flag. */
export function acquirerOptionsFromArgs(args: string[]): AcquirerCliOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8081' },
      seed: { type: 'string' },
      'latency-median-ms': { type: 'string', default: '0' },
      'latency-p99-ms': { type: 'string' },
      'timeout-rate': { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      'reset-rate': { type: 'string', default: '0' },
      'reset-point': { type: 'string', default: 'before' },
      'late-success-rate': { type: 'string', default: '0' },
      'fault-inquiries': { type: 'boolean', default: false },
      'settle-ms': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const problems: string[] = [];
  const number = (flag: string, text: string | undefined, check: (n: number) => boolean, expected: string): number => {
    const value = text !== undefined && /^\s*[0-9]*\.?[0-9]+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!check(value)) problems.push(`--${flag} must be ${expected} (got "${text}")`);
    return value;
  };
  const port = number('port', values.port, (n) => Number.isInteger(n) && n <= 65535, 'an integer from 0 to 65535');
  const seed =
    values.seed === undefined
      ? undefined
      : number('seed', values.seed, (n) => Number.isInteger(n) && n <= 0xffff_ffff, 'an integer from 0 to 4294967295');
  const latencyMedianMs = number('latency-median-ms', values['latency-median-ms'], Number.isFinite, 'a number of milliseconds ≥ 0');
  const latencyP99Ms =
    values['latency-p99-ms'] === undefined
      ? undefined
      : number(
          'latency-p99-ms',
          values['latency-p99-ms'],
          (n) => n >= latencyMedianMs,
          `a number of milliseconds ≥ --latency-median-ms (${latencyMedianMs})`,
        );
  const rates = Object.fromEntries(
    Object.entries(RATE_FLAGS).map(([flag, name]) => [
      name,
      number(flag, values[flag as keyof typeof RATE_FLAGS], (n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
    ]),
  ) as Record<(typeof RATE_FLAGS)[keyof typeof RATE_FLAGS], number>;
  const resetPoint = values['reset-point'];
  if (resetPoint !== 'before' && resetPoint !== 'after') problems.push(`--reset-point must be "before" or "after" (got "${resetPoint}")`);
  const settleMs = number('settle-ms', values['settle-ms'], Number.isFinite, 'a number of milliseconds ≥ 0');
  const logLevel = values['log-level'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  // The sum is worth a message only when each rate is valid on its own.
  const validRates = Object.values(rates).every((rate) => rate >= 0 && rate <= 1);
  const total = Object.values(rates).reduce((sum, rate) => sum + rate, 0);
  if (validRates && total > 1 + 1e-9) {
    problems.push(
      `--timeout-rate, --error-rate, --reset-rate and --late-success-rate are shares of requests and must add up to at most 1 (they add up to ${Math.round(total * 1000) / 1000})`,
    );
  }
  if (problems.length > 0) throw new Error(problems.length === 1 ? problems[0] : `invalid options:\n  ${problems.join('\n  ')}`);

  const faults = defaultFaultSettings({
    ...(seed === undefined ? {} : { seed }),
    latencyMedianMs,
    ...(latencyP99Ms === undefined ? {} : { latencyP99Ms }),
    ...rates,
    resetPoint: resetPoint as 'before' | 'after',
    faultInquiries: values['fault-inquiries'],
  });
  // A last check of the combination, worded as the settings are named (should never fire after the checks above).
  const remaining = faultSettingsProblems(faults);
  if (remaining.length > 0) throw new Error(remaining.join('\n'));
  return { port, faults, settleMs, logLevel };
}

/** `holdfast acquirer`: the acquirer simulator on 127.0.0.1 until a signal. */
export async function runAcquirer(options: AcquirerCliOptions): Promise<void> {
  // The simulator never logs bodies; the redaction of card fields is a second guard.
  const logger = pino({
    level: options.logLevel,
    redact: { paths: [...REDACTED_PATHS, 'card', '*.card', '*.*.card'], censor: '[REDACTED]' },
  });
  const simulator = await buildAcquirerServer({ faults: options.faults, settleMs: options.settleMs, logger });
  const address = await simulator.app.listen({ port: options.port, host: '127.0.0.1' });
  console.log(`Holdfast acquirer simulator listening on ${address} (seed ${options.faults.seed}${describeFaults(options)})`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await simulator.app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function describeFaults({ faults, settleMs }: AcquirerCliOptions): string {
  const parts: string[] = [];
  if (faults.latencyMedianMs > 0) parts.push(`latency median ${faults.latencyMedianMs} ms, p99 ${faults.latencyP99Ms} ms`);
  for (const [flag, name] of Object.entries<(typeof RATE_FLAGS)[keyof typeof RATE_FLAGS]>(RATE_FLAGS)) {
    if (faults[name] > 0) parts.push(`${flag} ${faults[name]}`);
  }
  if (faults.resetRate > 0) parts.push(`reset ${faults.resetPoint} applying`);
  if (faults.faultInquiries) parts.push('inquiries faulted too');
  if (settleMs > 0) parts.push(`settle ${settleMs} ms`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '; no faults';
}
