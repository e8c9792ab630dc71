/** The filters each list keeps in its URL (so a filtered list can be linked to and reloaded). */

export interface OrderFilters {
  merchant_id?: string;
  order_id?: string;
  merchant_order_reference?: string;
  txn_uuid?: string;
  status?: string[];
  created_from?: string;
  created_to?: string;
  amount_min?: string;
  amount_max?: string;
  in_review?: boolean;
}

export interface WebhookFilters {
  merchant_id?: string;
  order_id?: string;
  status?: 'pending' | 'delivered' | 'failed';
}

export interface JobFilters {
  merchant_id?: string;
  kind?: string;
  state?: 'scheduled' | 'due' | 'running' | 'failed';
  order_id?: string;
}

export interface AuditFilters {
  merchant_id?: string;
  target_type?: string;
  target_id?: string;
  actor_id?: string;
}

export interface HomeSearch {
  range?: '24h' | '7d' | '30d';
  merchant_id?: string;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function strings(search: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = text(search[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function orderFilters(search: Record<string, unknown>): OrderFilters {
  const raw = search.status;
  const status = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(text).filter((s): s is string => s !== undefined);
  return {
    ...strings(search, [
      'merchant_id',
      'order_id',
      'merchant_order_reference',
      'txn_uuid',
      'created_from',
      'created_to',
      'amount_min',
      'amount_max',
    ]),
    ...(status.length > 0 ? { status } : {}),
    ...(search.in_review === true || search.in_review === 'true' ? { in_review: true } : {}),
  };
}

export function webhookFilters(search: Record<string, unknown>): WebhookFilters {
  const out: WebhookFilters = strings(search, ['merchant_id', 'order_id']);
  const status = text(search.status);
  if (status === 'pending' || status === 'delivered' || status === 'failed') out.status = status;
  return out;
}

export function jobFilters(search: Record<string, unknown>): JobFilters {
  const out: JobFilters = strings(search, ['merchant_id', 'kind', 'order_id']);
  const state = text(search.state);
  if (state === 'scheduled' || state === 'due' || state === 'running' || state === 'failed') out.state = state;
  return out;
}

export function auditFilters(search: Record<string, unknown>): AuditFilters {
  return strings(search, ['merchant_id', 'target_type', 'target_id', 'actor_id']);
}

export function homeSearch(search: Record<string, unknown>): HomeSearch {
  const out: HomeSearch = strings(search, ['merchant_id']);
  const range = text(search.range);
  if (range === '24h' || range === '7d' || range === '30d') out.range = range;
  return out;
}
