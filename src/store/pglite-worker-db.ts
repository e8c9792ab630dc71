import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db, Queryable } from './db.js';
import {
  deserializeError,
  type SerializedError,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStart,
} from './pglite-worker-protocol.js';

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };

/** Distributes the request types over their ids (an Omit of the union would merge its members). */
type Unsent = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * The embedded PGlite on a worker thread of its own (HOLDFAST_PGLITE_THREAD=worker; measured
 * against in-thread in bench/README.md, "Embedded engine: in-thread vs worker"), behind the
 * same Db as pglite-db.ts: each statement is a message to the worker (pglite-worker-entry.ts) and
 * its rows the reply, so HTTP parsing and rendering on this thread overlap with Postgres on that one.
 * A transaction is opened on the worker, which holds PGlite's lock until this side commits or rolls
 * it back; other statements queue behind it, as on one thread.
 */
export async function openPgliteWorker(dataDir?: string): Promise<Db> {
  const worker = startWorker({ dataDir });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let nextTx = 0;
  let failed: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (message === 'ready') {
        worker.off('message', onMessage);
        resolve();
      } else if (typeof message === 'object' && message !== null && 'failed' in message) {
        reject(deserializeError((message as { failed: SerializedError }).failed));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  worker.on('message', (reply: WorkerReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.rows);
    else waiting.reject(deserializeError(reply.error));
  });
  const failAll = (error: Error) => {
    failed = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    failAll(new Error(`the PGlite worker thread exited (code ${code})`));
  });

  function send(request: Unsent): Promise<unknown[]> {
    if (failed) return Promise.reject(failed);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  return {
    kind: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await send({ op: 'query', sql, params })) as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = ++nextTx;
      await send({ op: 'begin', tx });
      const queryable: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          return (await send({ op: 'tx-query', tx, sql, params })) as Row[];
        },
      };
      let value: T;
      try {
        value = await work(queryable);
      } catch (error) {
        await send({ op: 'rollback', tx }).catch(() => undefined);
        throw error;
      }
      await send({ op: 'commit', tx });
      return value;
    },
    async close() {
      try {
        await send({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
}

/**
 * The worker on its entry beside this file: compiled JavaScript in dist/; from the sources (tsx,
 * the tests), the TypeScript entry behind tsx's loader, which a worker thread does not inherit.
 */
function startWorker(workerData: WorkerStart): Worker {
  const compiled = new URL('./pglite-worker-entry.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData });
  const source = new URL('./pglite-worker-entry.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
