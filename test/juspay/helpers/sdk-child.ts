import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root: the SDK reads process.cwd()/package.json when it is imported. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SDK_DRIVER = fileURLToPath(new URL('../fixtures/sdk-driver.mjs', import.meta.url));
export const PORT_PRELOAD = fileURLToPath(new URL('../fixtures/sdk-port-preload.cjs', import.meta.url));

export interface SdkClientConfig {
  apiKey: string;
  merchantId: string;
  baseUrl: string;
}

export interface SdkError {
  className: string;
  name: string;
  message: string;
  code?: string;
  is: Record<
    | 'InvalidRequestError'
    | 'AuthenticationError'
    | 'AuthorizationError'
    | 'InternalServerError'
    | 'TimeoutError'
    | 'APIError'
    | 'JuspayError',
    boolean
  >;
  status?: string;
  error_code?: string;
  error_message?: string;
  user_message?: string;
  error_info?: any;
  raw?: any;
}

export type SdkResult = { ok: true; value: any } | { ok: false; error: SdkError };

/**
 * Juspay's official Node SDK running in its own Node process (fixtures/sdk-driver.mjs), so that
 * NODE_EXTRA_CA_CERTS — read only at process start — can make it trust the test CA, and the
 * port preload can be loaded with --require. Nothing of the SDK is patched or mocked.
 */
export class SdkChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: SdkResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: { id: number } & SdkResult;
      try {
        answer = JSON.parse(line);
      } catch {
        return; // not ours
      }
      const { id, ...result } = answer;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      clearTimeout(waiter.timer);
      waiter.resolve(result);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    child.on('exit', (code) => {
      for (const [id, waiter] of this.pending) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`SDK driver exited (${code}) before answering ${id}: ${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  /**
   * Starts the driver. `caFile` → NODE_EXTRA_CA_CERTS; `preload` (default true) → the port preload.
   * Both can be turned off to show what happens without them.
   */
  static start(options: { caFile?: string; preload?: boolean }): SdkChild {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    delete env.NODE_EXTRA_CA_CERTS;
    if (options.caFile) env.NODE_EXTRA_CA_CERTS = options.caFile;
    const args = [...(options.preload === false ? [] : ['--require', PORT_PRELOAD]), SDK_DRIVER];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new SdkChild(child);
  }

  call(client: SdkClientConfig, op: string, ...args: unknown[]): Promise<SdkResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`SDK call ${op} timed out: ${this.stderr}`));
      }, 60_000);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin.write(`${JSON.stringify({ id, client, op, args })}\n`);
    });
  }

  /** The resolved value; fails the test with the SDK's error otherwise. */
  async ok(client: SdkClientConfig, op: string, ...args: unknown[]): Promise<any> {
    const result = await this.call(client, op, ...args);
    if (!result.ok) throw new Error(`SDK ${op} rejected: ${JSON.stringify(result.error)}`);
    return result.value;
  }

  /** The rejection; fails the test if the SDK resolved. */
  async fails(client: SdkClientConfig, op: string, ...args: unknown[]): Promise<SdkError> {
    const result = await this.call(client, op, ...args);
    if (result.ok) throw new Error(`SDK ${op} resolved, expected an error: ${JSON.stringify(result.value).slice(0, 500)}`);
    return result.error;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => {
      this.child.once('exit', () => {
        resolve();
      });
    });
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
