/** The admin API's shapes the dashboard reads (docs/admin-api.md). */
export type Role = 'viewer' | 'support' | 'admin';

export interface Operator {
  id: string;
  email: string;
  role: Role;
  merchant_ids: string[] | null;
  must_change_password: boolean;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionAnswer {
  operator: Operator;
  csrf_token: string;
  expires_at: string;
}

export interface Me {
  kind: string;
  id: string | null;
  name: string;
  role: Role;
  merchant_ids: string[] | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

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

export interface Payment {
  id: string;
  txn_uuid: string | null;
  merchant_payment_reference: string | null;
  amount: number;
  currency: string;
  method: string | null;
  status: string;
  card: {
    network: string | null;
    bin: string | null;
    last4: string | null;
    expiry_month: number | string | null;
    expiry_year: number | string | null;
  } | null;
  connector: string | null;
  connector_reference: string | null;
  approval_code: string | null;
  rrn: string | null;
  error_code: string | null;
  error_message: string | null;
  /** How long the gateway call whose answer the row holds took; null for rows answered before it was kept, or by no call. */
  gateway_latency_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface Operation {
  id: string;
  kind?: string;
  amount: number;
  currency: string;
  status: string;
  reference: string | null;
  gateway_reference: string | null;
  error_code: string | null;
  error_message: string | null;
  /** How long the gateway call whose answer the row holds took; null for rows answered before it was kept, or by no call. */
  gateway_latency_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface Posting {
  account: string;
  amount: number;
  balance_after: number;
}

export interface LedgerEntry {
  id: string | number;
  kind: string;
  reference_id: string | null;
  created_at: string;
  postings: Posting[];
}

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string | null;
}

export interface TimelineEvent {
  at: string;
  /** `api_call`, `gateway`, `state`, `job`, `webhook` or `operator`. */
  kind: string;
  title: string;
  detail: string | null;
  request_id: string | null;
  latency_ms: number | null;
  /** For an API call log entry: the call as recorded (route pattern, never the URL); null otherwise. */
  call: ApiCall | null;
}

export interface ApiCall {
  method: string;
  route: string;
  status: number;
  server_request_id: string;
  dialect: string;
}

export interface WebhookAttempt {
  id: string | number;
  attempted_at: string;
  url: string;
  status_code: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  /** Why no answer came (refused, timed out…), when none did. */
  error?: string | null;
}

export interface OrderWebhook {
  id: string;
  event_type: string;
  dialect: string;
  created_at: string;
  delivered_at: string | null;
  gave_up_at: string | null;
  attempts: WebhookAttempt[];
}

export interface OrderLink {
  /** `checkout`, `payment_link`, `session` or `redirect`. */
  kind: string;
  url: string;
  created_at: string;
}

export interface OrderDetail {
  order: OrderSummary & { expires_at: string | null; capture_deadline: string | null; payment_closed_reason: string | null };
  payments: Payment[];
  captures: Operation[];
  reversals: Operation[];
  refunds: Operation[];
  ledger: { entries: LedgerEntry[]; balances: Record<string, number>; invariants: Invariant[] };
  timeline: TimelineEvent[];
  webhooks: OrderWebhook[];
  links: OrderLink[];
}

export interface WebhookEvent {
  id: string;
  merchant_id: string;
  order_id: string | null;
  dialect: string;
  event_type: string;
  created_at: string;
  delivered_at: string | null;
  gave_up_at: string | null;
  attempts_count: number;
  last_status_code: number | null;
}

export type JobState = 'scheduled' | 'due' | 'running' | 'failed';

export interface Job {
  id: number;
  kind: string;
  key: string;
  state: JobState;
  merchant_id: string | null;
  order_id: string | null;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_until: string | null;
  failed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobRun {
  id: number;
  job_id: number;
  kind: string;
  key: string;
  merchant_id: string | null;
  order_id: string | null;
  attempt: number;
  started_at: string;
  finished_at: string;
  outcome: 'done' | 'retry' | 'failed';
  error: string | null;
}

export interface WebhookEventDetail extends WebhookEvent {
  payload: unknown;
  attempts: WebhookAttempt[];
}

export interface Review {
  order_id: string;
  merchant_id: string;
  state: string;
  reason: string | null;
  flagged_at: string;
  operations: { id: string; kind: string; amount: number; currency: string; status: string }[];
}

export interface Merchant {
  id: string;
  name: string;
  connector: string;
  webhook_url: string | null;
  webhook_basic_auth_set: boolean;
  capture_window_seconds: number | null;
  disabled_at: string | null;
  created_at: string;
}

export type CredentialKind = 'client_secret' | 'api_key' | 'webhook_secret' | 'redirect_keys';

export interface Credential {
  id: string;
  kind: CredentialKind;
  status: 'active' | 'expiring' | 'revoked';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  hint: string | null;
}

export interface Stats {
  range: '24h' | '7d' | '30d';
  bucket: 'hour' | 'day';
  series: {
    bucket_start: string;
    authorizations: number;
    authorizations_succeeded: number;
    captures: number;
    captures_succeeded: number;
    voids: number;
    refunds: number;
  }[];
  authorization_success_rate: number | null;
  capture_success_rate: number | null;
  held: { currency: string; amount: number }[];
  pending_at_gateway: number;
  in_review: number;
  webhooks: { delivered: number; failed: number; pending: number; oldest_pending_at: string | null };
  jobs: { due: number; running: number; failed: number; oldest_due_at: string | null };
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; name: string };
  action: string;
  target_type: string;
  target_id: string | null;
  merchant_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  request_id: string | null;
}
