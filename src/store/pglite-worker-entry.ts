/**
 * The worker thread that owns PGlite when HOLDFAST_PGLITE_THREAD=worker (pglite-worker-db.ts):
 * it opens the same Db as the serving thread would (pglite-db.ts), and runs what the serving
 * thread asks. A transaction holds PGlite's lock from its BEGIN to its COMMIT or ROLLBACK, so
 * other statements queue behind it as they do on one thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Queryable } from './db.js';
import { openPglite } from './pglite-db.js';
import { serializeError, type WorkerReply, type WorkerRequest, type WorkerStart } from './pglite-worker-protocol.js';

if (!parentPort) throw new Error('pglite-worker-entry.ts runs as a worker thread');
const port = parentPort;
const start = workerData as WorkerStart;

/** An open transaction: its statements, and how it ends. */
interface OpenTx {
  queue: WorkerRequest[];
  wake: (() => void) | undefined;
}
const transactions = new Map<number, OpenTx>();

const reply = (message: WorkerReply) => {
  port.postMessage(message);
};

async function main(): Promise<void> {
  const db = await openPglite(start.dataDir);
  port.on('message', (request: WorkerRequest) => {
    switch (request.op) {
      case 'query':
        db.query(request.sql, request.params).then(
          (rows) => {
            reply({ id: request.id, ok: true, rows });
          },
          (error: unknown) => {
            reply({ id: request.id, ok: false, error: serializeError(error) });
          },
        );
        return;
      case 'begin': {
        const open: OpenTx = { queue: [], wake: undefined };
        transactions.set(request.tx, open);
        // runTransaction replies its own errors; it never rejects.
        void runTransaction(db, request, open).finally(() => transactions.delete(request.tx));
        return;
      }
      case 'tx-query':
      case 'commit':
      case 'rollback': {
        const open = transactions.get(request.tx);
        if (!open) {
          reply({ id: request.id, ok: false, error: serializeError(new Error(`transaction ${request.tx} is not open`)) });
          return;
        }
        open.queue.push(request);
        open.wake?.();
        return;
      }
      case 'close':
        db.close().then(
          () => {
            reply({ id: request.id, ok: true, rows: [] });
            port.close();
          },
          (error: unknown) => {
            reply({ id: request.id, ok: false, error: serializeError(error) });
          },
        );
        return;
    }
  });
  port.postMessage('ready');
}

class RolledBack extends Error {}

/** Runs the transaction's statements as they arrive, until the serving thread commits or rolls it back. */
async function runTransaction(db: Awaited<ReturnType<typeof openPglite>>, begin: WorkerRequest, open: OpenTx): Promise<void> {
  let ending: WorkerRequest | undefined;
  try {
    await db.transaction(async (tx: Queryable) => {
      reply({ id: begin.id, ok: true, rows: [] });
      for (;;) {
        const next = open.queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (open.wake = resolve));
          open.wake = undefined;
          continue;
        }
        if (next.op === 'tx-query') {
          try {
            reply({ id: next.id, ok: true, rows: await tx.query(next.sql, next.params) });
          } catch (error) {
            reply({ id: next.id, ok: false, error: serializeError(error) });
          }
          continue;
        }
        ending = next;
        if (next.op === 'rollback') throw new RolledBack();
        return;
      }
    });
    if (ending) reply({ id: ending.id, ok: true, rows: [] });
  } catch (error) {
    if (error instanceof RolledBack && ending) reply({ id: ending.id, ok: true, rows: [] });
    else reply({ id: ending?.id ?? begin.id, ok: false, error: serializeError(error) });
  }
}

main().catch((error: unknown) => {
  port.postMessage({ failed: serializeError(error) });
});
