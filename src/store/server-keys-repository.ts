import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.js';

/**
 * Server-wide secrets (token signing, card fingerprints, secret encryption), created once and
 * shared through the database, so every process and every restart uses the same keys.
 */
export async function loadOrCreateServerKey(q: Queryable, name: string): Promise<Buffer> {
  await q.query('insert into server_keys (name, secret) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(32)]);
  const rows = await q.query<{ secret: Uint8Array }>('select secret from server_keys where name = $1', [name]);
  const secret = rows[0]?.secret;
  if (!secret) throw new Error(`server key ${name} could not be created`);
  return Buffer.from(secret);
}
