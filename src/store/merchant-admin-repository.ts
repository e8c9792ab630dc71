import type { Queryable } from './db.js';

/** A merchant as the admin API shows it: its settings, never a secret (only whether Basic credentials are set). */
export interface MerchantSummary {
  id: string;
  name: string;
  connector: string;
  webhookUrl: string | null;
  webhookBasicAuthSet: boolean;
  captureWindowSeconds: number | null;
  disabledAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, name, connector, webhook_url, webhook_basic_auth_ciphertext is not null as webhook_basic_auth_set,
  capture_window_seconds, disabled_at, created_at`;

type Row = Record<string, unknown>;
const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

function toSummary(r: Row): MerchantSummary {
  return {
    id: String(r.id),
    name: String(r.name),
    connector: String(r.connector),
    webhookUrl: (r.webhook_url as string | null) ?? null,
    webhookBasicAuthSet: r.webhook_basic_auth_set === true,
    captureWindowSeconds: r.capture_window_seconds === null ? null : Number(r.capture_window_seconds),
    disabledAt: r.disabled_at === null || r.disabled_at === undefined ? null : asDate(r.disabled_at),
    createdAt: asDate(r.created_at),
  };
}

/** Merchants, newest first; only those in `ids` when given. */
export async function listMerchantSummaries(q: Queryable, ids: readonly string[] | null): Promise<MerchantSummary[]> {
  const rows =
    ids === null
      ? await q.query(`select ${COLUMNS} from merchants order by created_at desc, id desc`)
      : await q.query(`select ${COLUMNS} from merchants where id = any($1::text[]) order by created_at desc, id desc`, [ids]);
  return rows.map(toSummary);
}

export async function findMerchantSummary(q: Queryable, id: string, lock = false): Promise<MerchantSummary | undefined> {
  const rows = await q.query(`select ${COLUMNS} from merchants where id = $1${lock ? ' for update' : ''}`, [id]);
  return rows[0] ? toSummary(rows[0]) : undefined;
}

/** The settings an admin may change; undefined leaves one as it is. */
export interface MerchantChanges {
  name?: string;
  webhookUrl?: string | null;
  /** Sealed "user:password", or null to remove. */
  webhookBasicAuthCiphertext?: string | null;
  captureWindowSeconds?: number | null;
  connector?: string;
  disabledAt?: Date | null;
}

export async function updateMerchantSettings(q: Queryable, id: string, changes: MerchantChanges): Promise<void> {
  const columns: Array<[string, unknown]> = [];
  if (changes.name !== undefined) columns.push(['name', changes.name]);
  if (changes.webhookUrl !== undefined) columns.push(['webhook_url', changes.webhookUrl]);
  if (changes.webhookBasicAuthCiphertext !== undefined) columns.push(['webhook_basic_auth_ciphertext', changes.webhookBasicAuthCiphertext]);
  if (changes.captureWindowSeconds !== undefined) columns.push(['capture_window_seconds', changes.captureWindowSeconds]);
  if (changes.connector !== undefined) columns.push(['connector', changes.connector]);
  if (changes.disabledAt !== undefined) columns.push(['disabled_at', changes.disabledAt]);
  if (columns.length === 0) return;
  const assignments = columns.map(([column], i) => `${column} = $${i + 2}`).join(', ');
  await q.query(`update merchants set ${assignments} where id = $1`, [id, ...columns.map(([, value]) => value)]);
}
