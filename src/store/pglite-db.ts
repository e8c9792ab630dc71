import v8 from 'node:v8';
import { PGlite, parse as pgliteParse, protocol } from '@electric-sql/pglite';
import { INT8_OID, type Db, type Queryable } from './db.js';

const { serialize } = protocol;

/**
 * PostgreSQL's default shared_buffers (128 MB) is allocated and zeroed inside PGlite's WASM memory
 * when it starts, so it is resident whatever the data: 16 MB keeps Holdfast on PGlite near the
 * memory target with the same throughput, the pages it evicts staying in the operating system's
 * file cache (measured in bench/README.md, "Embedded engine: in-thread vs worker", Memory).
 */
const PGLITE_MEMORY_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * PGlite's WASM module is 9 MB of code: compiled eagerly with V8's baseline compiler and again
 * with its optimizing one as it warms up, the machine code of both stays resident (about 35 MB).
 * Compiling each function once, with the optimizing compiler, when it is first called keeps only
 * the code Postgres runs. The V8 flags are process-wide and must be set before the module is
 * compiled, so the long-lived server sets them (src/cli/start.ts); a short-lived process (a CLI
 * command, a test file) starts PGlite faster without them. Nothing else in Holdfast runs WASM.
 */
let wasmCompilationSet = false;
export function compileWasmOnceWhenCalled(): void {
  if (wasmCompilationSet) return;
  wasmCompilationSet = true;
  v8.setFlagsFromString('--wasm-lazy-compilation');
  v8.setFlagsFromString('--no-liftoff');
}

/**
 * The embedded database. PGlite is a single connection; every statement and every transaction
 * here runs under its exclusive lock (`runExclusive`), which is what makes concurrent operations
 * on one order exactly-once here too. `dataDir` undefined means in memory (tests).
 *
 * Statements with parameters are named prepared statements, as on PostgreSQL (postgres-db.ts):
 * PGlite's own query() parses, describes and plans every call in six trips into the WASM
 * module; a prepared statement is one trip (Bind, Describe, Execute, Sync) with the plan kept.
 * PGlite has no prepared-statement API, so this speaks its wire protocol with PGlite's own
 * serializer, parser and type serializers (measured: 0.31 → 0.08 ms for a guarded write).
 *
 * `options.loadDataDir` starts from a data directory dumped by PGlite's dumpDataDir(): the tests
 * open every database from one migrated image instead of initialising and migrating each.
 */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  // One options object: PGlite ignores its second argument when the first (dataDir) is undefined.
  const pglite = new PGlite({
    ...options,
    dataDir,
    startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_SETTINGS],
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  await pglite.waitReady;
  const prepared = new Map<string, { name: string; paramTypes: number[] }>();

  async function exchange(...messages: Uint8Array[]) {
    const result = await pglite.execProtocol(concat(messages), { syncToFs: false });
    return pgliteParse.parseResults(result.messages, pglite.parsers);
  }

  async function run<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    if (params.length === 0) {
      const results = await exchange(serialize.query(sql));
      return (results[results.length - 1]?.rows ?? []) as Row[];
    }
    let statement = prepared.get(sql);
    if (!statement) {
      const name = `hf_${prepared.size + 1}`;
      const described = await pglite.execProtocol(
        concat([serialize.parse({ name, text: sql, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]),
        {
          syncToFs: false,
        },
      );
      statement = { name, paramTypes: pgliteParse.parseDescribeStatementResults(described.messages) };
      prepared.set(sql, statement);
    }
    const { name, paramTypes } = statement;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[paramTypes[i] ?? 0];
      return serializer ? serializer(value) : asText(value);
    });
    const results = await exchange(
      serialize.bind({ statement: name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    );
    return (results[0]?.rows ?? []) as Row[];
  }

  const tx: Queryable = { query: (sql, params = []) => run(sql, params) };

  return {
    kind: 'pglite',
    query<Row>(sql: string, params: readonly unknown[] = []) {
      return pglite.runExclusive(async () => {
        const rows = await run<Row>(sql, params);
        await pglite.syncToFs();
        return rows;
      });
    },
    transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.runExclusive(async () => {
        await run('BEGIN', []);
        try {
          const value = await work(tx);
          await run('COMMIT', []);
          return value;
        } catch (error) {
          await run('ROLLBACK', []).catch(() => undefined);
          throw error;
        } finally {
          await pglite.syncToFs();
        }
      });
    },
    async close() {
      await pglite.close();
    },
  };
}

/** A parameter of a type PGlite has no serializer for, as text. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const [only] = parts;
  if (parts.length === 1 && only) return only;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
