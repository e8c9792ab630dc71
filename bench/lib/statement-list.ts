/**
 * The vocabulary of the bench's statement list (bench/capture-statements.ts): the values a
 * capture's statements take, how a statement names them, and how the naive handler binds them.
 */

/** Every value a capture's statements take as a parameter, besides constants. */
export const VAR_NAMES = [
  'orderId',
  'merchantId',
  'paymentId',
  'captureRef',
  'fingerprint',
  'captureId',
  'reversalId',
  'amount',
  'remainder',
  'currency',
  'now',
  'syncRunAt',
  'syncJobKey',
  'syncPayload',
  'syncMaxAttempts',
  'autoVoidJobKey',
  'captureGatewayRef',
  'reversalGatewayRef',
  'captureLatencyMs',
  'reversalLatencyMs',
  'journalRefs',
  'journalCurrencies',
  'postingRefs',
  'postingAmounts',
] as const;
export type VarName = (typeof VAR_NAMES)[number];

/** A constant that is not a variable's value: an array of constants is bound as a PostgreSQL array. */
export type LiteralValue = string | number | null | readonly (string | number)[];

/** A constant parameter (Holdfast passes it as $n too). `null` is inlined as NULL in the pgbench script (pgbench has no NULL variable). */
export interface Literal {
  literal: LiteralValue;
}
export const lit = (literal: LiteralValue): Literal => ({ literal });
export type Arg = VarName | Literal;

export type Row = Record<string, unknown>;

export type CaptureVarValues = Record<VarName, unknown> & { amount: number; remainder: number };

export interface Statement {
  /** A short name, shown by the drift check and in the pgbench script. */
  id: string;
  sql: string;
  /** $1, $2, … in order. */
  args: Arg[];
  /** The naive handler only: values later statements need from this one's rows (what Holdfast reads from them). */
  naive?: (rows: Row[], vars: CaptureVarValues) => void;
}

export const normalizeSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

/** Parameter values for one statement. */
export function bindArgs(statement: Statement, vars: CaptureVarValues): unknown[] {
  return statement.args.map((a) => (typeof a === 'string' ? vars[a] : a.literal));
}
