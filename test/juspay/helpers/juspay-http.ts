import { randomBytes } from 'node:crypto';
import { submitHostedForm } from '../../helpers/hosted-form.js';
import { checkAgainstDocument } from '../../helpers/openapi-validator.js';

/**
 * A plain HTTP client for Holdfast's Juspay dialect, the way a merchant's own code (not the SDK)
 * calls it: HTTP Basic with the API key, form-encoded bodies with dotted keys, or JSON.
 */
export interface JuspayReply {
  status: number;
  body: any;
  headers: Headers;
}

export type Encoding = 'form' | 'json';

/** `Basic base64("key:")` as Juspay's docs send it, or `Basic base64("key")` as its Node SDK does. */
export function basicAuth(apiKey: string, colon = true): string {
  return `Basic ${Buffer.from(colon ? `${apiKey}:` : apiKey).toString('base64')}`;
}

/** Form encoding exactly as the SDK does it: encodeURIComponent(k)=encodeURIComponent(v), no flattening. */
export function formEncode(body: Record<string, unknown>): string {
  return Object.entries(body)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export async function juspayCall(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    authorization?: string | undefined;
    body?: Record<string, unknown> | undefined;
    encoding?: Encoding;
    headers?: Record<string, string>;
    rawBody?: string;
  } = {},
): Promise<JuspayReply> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    if ((options.encoding ?? 'form') === 'json') {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    } else {
      body = formEncode(options.body);
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
  }
  const response = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave non-JSON bodies as text so a test can assert on them
  }
  // Every answer of the dialect is also checked against its served OpenAPI document.
  await checkAgainstDocument(baseUrl, 'juspay', method, path, response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}

export const VISA_OK = '4111111111111111';
export const CARDS = {
  ok: VISA_OK,
  threeDs: '4000000000003220',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  capturePending: '4000000000000077',
  captureFails: '4000000000000085',
  captureTimesOut: '4000000000000093',
  voidPending: '4000000000000101',
  voidFails: '4000000000000119',
  refundFails: '4000000000000127',
} as const;

let counter = 0;
/** A Juspay order_id: alphanumeric and shorter than 21 characters. */
export const newOrderId = (prefix = 'o') => `${prefix}${(counter++).toString(36)}${randomBytes(4).toString('hex')}`.slice(0, 20);

export function cardTxn(orderId: string, cardNumber: string = VISA_OK): Record<string, string> {
  return {
    order_id: orderId,
    payment_method_type: 'CARD',
    card_number: cardNumber,
    card_exp_month: '12',
    card_exp_year: '35',
    name_on_card: 'Test Holder',
    card_security_code: '123',
    format: 'json',
  };
}

export interface AuthorizedOrder {
  /** The merchant's order_id (the key in Juspay paths). */
  orderId: string;
  /** Holdfast's order id (Juspay `id`; the ledger's order id). */
  id: string;
  txnUuid: string;
}

/** A merchant's session against the Juspay dialect. */
export class JuspayHttp {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
    readonly options: { encoding?: Encoding; colon?: boolean } = {},
  ) {}

  get authorization(): string {
    return basicAuth(this.apiKey, this.options.colon ?? true);
  }

  request(
    method: string,
    path: string,
    body?: Record<string, unknown>,
    options: { encoding?: Encoding; headers?: Record<string, string> } = {},
  ): Promise<JuspayReply> {
    return juspayCall(this.baseUrl, method, path, {
      authorization: this.authorization,
      body,
      encoding: options.encoding ?? this.options.encoding ?? 'form',
      ...(options.headers ? { headers: options.headers } : {}),
    });
  }

  /** A pre-auth order (`metadata.txns.auto_capture=false`) unless `preAuth` is false. */
  createOrder(orderId: string, amount: string, options: { preAuth?: boolean; extra?: Record<string, unknown> } = {}): Promise<JuspayReply> {
    return this.request('POST', '/orders', {
      order_id: orderId,
      amount,
      ...(options.preAuth === false ? {} : { 'metadata.txns.auto_capture': 'false' }),
      ...options.extra,
    });
  }

  txn(orderId: string, cardNumber: string = VISA_OK): Promise<JuspayReply> {
    return this.request('POST', '/txns', cardTxn(orderId, cardNumber));
  }

  status(orderId: string): Promise<JuspayReply> {
    return this.request('GET', `/orders/${encodeURIComponent(orderId)}`);
  }

  capture(txnUuid: string, body?: Record<string, unknown>): Promise<JuspayReply> {
    return this.request('POST', `/v2/txns/${encodeURIComponent(txnUuid)}/capture`, body);
  }

  void(txnUuid: string, body?: Record<string, unknown>): Promise<JuspayReply> {
    return this.request('POST', `/v2/txns/${encodeURIComponent(txnUuid)}/void`, body);
  }

  refund(orderId: string, body: Record<string, unknown>): Promise<JuspayReply> {
    return this.request('POST', `/orders/${encodeURIComponent(orderId)}/refunds`, body);
  }

  /** A pre-auth order paid with `card`; throws unless both calls answer 200. */
  async paidOrder(
    amount = '100.00',
    card: string = VISA_OK,
    options: { preAuth?: boolean; orderId?: string } = {},
  ): Promise<AuthorizedOrder & { txnStatus: string }> {
    const orderId = options.orderId ?? newOrderId();
    const created = await this.createOrder(orderId, amount, options.preAuth === undefined ? {} : { preAuth: options.preAuth });
    if (created.status !== 200) throw new Error(`create order: ${created.status} ${JSON.stringify(created.body)}`);
    const txn = await this.txn(orderId, card);
    if (txn.status !== 200) throw new Error(`txn: ${txn.status} ${JSON.stringify(txn.body)}`);
    return { orderId, id: created.body.id, txnUuid: txn.body.txn_uuid, txnStatus: txn.body.status };
  }

  /** A pre-auth order authorized with `card` (which must authorize without a challenge). */
  async authorizedOrder(amount = '100.00', card: string = VISA_OK): Promise<AuthorizedOrder> {
    const paid = await this.paidOrder(amount, card);
    if (paid.txnStatus !== 'AUTHORIZED') throw new Error(`expected AUTHORIZED, got ${paid.txnStatus}`);
    return paid;
  }
}

/**
 * Submits the 3-D Secure challenge page behind `payment.authentication.url` with an OTP, the way
 * the cardholder's browser does (the page first, for its CSRF cookie and token). With `baseUrl`, the link's path and query are sent to the
 * address the test reaches the server at (a test server's public URL may name another port).
 */
export async function submitOtp(
  authenticationUrl: string,
  otp: string,
  baseUrl?: string,
): Promise<{ status: number; location: string | null; html: string }> {
  const link = new URL(authenticationUrl);
  const url = baseUrl ? `${baseUrl}${link.pathname}${link.search}` : authenticationUrl;
  const { status, location, body } = await submitHostedForm(url, { otp });
  return { status, location, html: body };
}
