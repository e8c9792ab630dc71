import { invalidInput } from '../../domain/errors.js';
import { ORDER_STATES } from '../../domain/order-state.js';
import { searchOrders, type OrderSearch, type OrderSummaryRow } from '../../store/admin-orders-repository.js';
import type { CoreContext } from '../context.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';

/** `GET /admin/v1/orders` as given: every value a string (a repeated `status` an array of them). */
export interface OrderSearchQuery {
  merchant_id?: string;
  order_id?: string;
  merchant_order_reference?: string;
  txn_uuid?: string;
  status?: string | string[];
  created_from?: string;
  created_to?: string;
  amount_min?: string;
  amount_max?: string;
  in_review?: string;
  limit?: string;
  cursor?: string;
}

/** `order_summary` of docs/admin-api.md. */
export interface OrderSummary {
  id: string;
  merchant_id: string;
  dialect: string;
  merchant_order_reference: string;
  amount: number;
  currency: string;
  state: string;
  pre_auth: boolean;
  created_at: string;
  updated_at: string;
  review_reason: string | null;
}

export interface OrderPage {
  data: OrderSummary[];
  next_cursor: string | null;
}

export function orderSummary(row: OrderSummaryRow): OrderSummary {
  return {
    id: row.id,
    merchant_id: row.merchantId,
    dialect: row.dialect,
    merchant_order_reference: row.merchantOrderReference,
    amount: row.amount,
    currency: row.currency,
    state: row.state,
    pre_auth: row.preAuth,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    review_reason: row.reviewReason,
  };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function instant(field: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = ISO_INSTANT.test(text) ? new Date(text) : undefined;
  if (!at || Number.isNaN(at.getTime()))
    throw invalidInput(field, `${field} must be an ISO 8601 instant with a zone, e.g. 2026-01-31T00:00:00Z`);
  return at;
}

function minorUnits(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw invalidInput(field, `${field} must be a non-negative integer amount in minor units`);
  return value;
}

function text(field: string, value: string | undefined, max = 200): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > max) throw invalidInput(field, `${field} must be 1 to ${max} characters`);
  return value;
}

function states(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const state of list) {
    if (!(ORDER_STATES as readonly string[]).includes(state))
      throw invalidInput('status', `status must be one of ${ORDER_STATES.join(', ')}`);
  }
  return list;
}

function inReview(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalidInput('in_review', 'in_review must be true or false');
  return value === 'true';
}

/** The filters of a query, checked: anything malformed is a 400 naming the parameter. */
export function parseOrderSearch(query: OrderSearchQuery, merchantIds: readonly string[] | null): OrderSearch {
  const search: OrderSearch = { merchantIds, limit: pageLimit(query.limit) };
  const set = <K extends keyof OrderSearch>(key: K, value: OrderSearch[K] | undefined) => {
    if (value !== undefined) search[key] = value;
  };
  set('orderId', text('order_id', query.order_id));
  set('merchantOrderReference', text('merchant_order_reference', query.merchant_order_reference));
  set('txnUuid', text('txn_uuid', query.txn_uuid));
  set('states', states(query.status));
  set('createdFrom', instant('created_from', query.created_from));
  set('createdTo', instant('created_to', query.created_to));
  set('amountMin', minorUnits('amount_min', query.amount_min));
  set('amountMax', minorUnits('amount_max', query.amount_max));
  set('inReview', inReview(query.in_review));
  if (query.cursor !== undefined) {
    search.after = decodeCursor(query.cursor, ([createdAt, id]) =>
      typeof createdAt === 'string' && CURSOR_INSTANT.test(createdAt) && typeof id === 'string' && id.length > 0 && id.length <= 200
        ? { createdAt, id }
        : undefined,
    );
  }
  return search;
}

/**
 * One page of the order search, newest first. `merchantIds` is the scope the caller may see
 * (api/admin/access.ts merchantFilter): what lies outside it never appears.
 */
export async function searchOrderPage(
  ctx: Pick<CoreContext, 'db'>,
  query: OrderSearchQuery,
  merchantIds: readonly string[] | null,
): Promise<OrderPage> {
  const search = parseOrderSearch(query, merchantIds);
  // One row more than the page tells whether another page follows, without a count.
  const rows = await searchOrders(ctx.db, { ...search, limit: search.limit + 1 });
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  return {
    data: page.map(orderSummary),
    next_cursor: rows.length > search.limit && last ? encodeCursor([last.createdAtKey, last.id]) : null,
  };
}
