/**
 * The naive baseline: what a careful hand-written service would do for a capture. A minimal
 * Fastify + pg handler on the Pine Labs capture path that executes the statements of
 * bench/capture-statements.ts one by one (BEGIN … COMMIT on one pooled client, the rest on the
 * pool), with no authentication, no schema validation, no idempotency logic, no connector and no
 * rendering: it answers with the last statement's row. Same process count and pool size as
 * Holdfast, so the two differ only by what Holdfast does around the same SQL.
 *
 * Environment: NAIVE_DATABASE_URL, NAIVE_MERCHANT_ID, PORT, NAIVE_WORKERS (processes, Default 1),
 * NAIVE_POOL (connections per process, Default 10). Prints "naive listening on PORT" when all
 * workers listen.
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';
import pg from 'pg';
import { bindArgs, CAPTURE_STATEMENTS, naiveVars, normalizeSql, type Row } from './capture-statements.js';

const url = process.env.NAIVE_DATABASE_URL;
const merchantId = process.env.NAIVE_MERCHANT_ID;
const port = Number(process.env.PORT ?? 8090);
const workers = Number(process.env.NAIVE_WORKERS ?? 1);
const poolSize = Number(process.env.NAIVE_POOL ?? 10);
if (!url || !merchantId) {
  console.error('naive-server needs NAIVE_DATABASE_URL and NAIVE_MERCHANT_ID');
  process.exit(2);
}
/** The merchant, known to be set past the check above. */
const merchant: string = merchantId;

const statements = CAPTURE_STATEMENTS.map((s) => {
  const head = normalizeSql(s.sql).toUpperCase();
  return { ...s, sql: normalizeSql(s.sql), begins: head === 'BEGIN', ends: head === 'COMMIT' };
});

async function serve(): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {});
  const app = Fastify({ logger: false });
  app.route<{ Params: { order_id: string }; Body: { merchant_capture_reference: string; capture_amount?: { value: number } } }>({
    method: ['PUT', 'POST'],
    url: '/api/pay/v1/orders/:order_id/capture',
    handler: async (request, reply) => {
      const vars = naiveVars({
        orderId: request.params.order_id,
        merchantId: merchant,
        captureRef: request.body.merchant_capture_reference,
        amount: request.body.capture_amount?.value ?? 0,
      });
      let client: pg.PoolClient | undefined;
      let rows: Row[] = [];
      try {
        for (const s of statements) {
          if (s.begins) client = await pool.connect();
          const result = await (client ?? pool).query(s.sql, bindArgs(s, vars));
          rows = result.rows as Row[];
          s.naive?.(rows, vars);
          if (s.ends) {
            client?.release();
            client = undefined;
          }
        }
      } catch (error) {
        if (client) {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release();
        }
        return reply.status(500).send({ error: (error as Error).message });
      }
      return reply.send({ data: rows[0] ?? null });
    },
  });
  await app.listen({ port, host: '127.0.0.1' });
  const stop = () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (workers > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().once('listening', () => {
      if (++listening === workers) console.log(`naive listening on ${port} (${workers} workers)`);
    });
  }
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  serve()
    .then(() => {
      if (workers <= 1) console.log(`naive listening on ${port} (1 worker)`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
