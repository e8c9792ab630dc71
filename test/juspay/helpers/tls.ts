import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { createMerchant, type MerchantCredentials } from '../../../src/core/merchants.js';
import type { Db } from '../../../src/store/db.js';
import { openTestDatabase, TEST_MASTER_KEY } from '../../helpers/test-database.js';
import { TestClock } from '../../helpers/test-server.js';

/**
 * A throwaway certificate authority and a server certificate it signs for `localhost`
 * (subjectAltName DNS:localhost, IP:127.0.0.1), made with the openssl CLI in a temp directory.
 * Clients trust the CA (NODE_EXTRA_CA_CERTS, or `ca:`), never by turning verification off.
 */
export interface TestCertificates {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: Buffer;
  remove(): void;
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Holdfast test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(
    file('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
  );
  return {
    dir,
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    ca: readFileSync(file('ca.pem')),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpsTestServer {
  /** https://localhost:<port>: the name the certificate is for. */
  baseUrl: string;
  port: number;
  app: App;
  db: Db;
  clock: TestClock;
  config: Config;
  newMerchant(name?: string): Promise<MerchantCredentials>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => {
    probe.close(() => {
      resolve();
    });
  });
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Holdfast serving HTTPS because HOLDFAST_TLS_CERT / HOLDFAST_TLS_KEY are set, as a user runs it.
 * The port is chosen before start so HOLDFAST_PUBLIC_URL (the base of challenge links) is exact.
 */
export async function startHttpsTestServer(certs: TestCertificates, env: NodeJS.ProcessEnv = {}): Promise<HttpsTestServer> {
  const db = await openTestDatabase();
  const clock = new TestClock();
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HOLDFAST_MASTER_KEY: TEST_MASTER_KEY,
      HOLDFAST_TLS_CERT: certs.certFile,
      HOLDFAST_TLS_KEY: certs.keyFile,
      HOLDFAST_PUBLIC_URL: `https://localhost:${port}`,
      ...env,
    });
    const app = await createApp({ config, db, logger: pino({ level: 'silent' }), clock });
    try {
      await app.server.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      await app.close().catch(() => {});
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < 5) continue;
      await db.close();
      throw error;
    }
    return {
      baseUrl: `https://localhost:${port}`,
      port,
      app,
      db,
      clock,
      config,
      newMerchant: (name = 'Test merchant') => createMerchant(app.ctx, { name }),
      async close() {
        await app.close();
        await db.close();
      },
    };
  }
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/**
 * One HTTPS request trusting only the test CA. `chunks` are written one by one without a
 * Content-Length, so the body goes out with Transfer-Encoding: chunked.
 */
export function httpsRequest(
  url: string,
  options: { ca: Buffer; method?: string; headers?: Record<string, string>; body?: string; chunks?: string[] },
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
        response.on('error', reject);
      },
    );
    request.setTimeout(20_000, () => request.destroy(new Error(`timeout: ${url}`)));
    request.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) request.write(chunk);
      request.end();
    } else {
      request.end(options.body);
    }
  });
}
