import type { MerchantCredentials } from '../../src/core/merchants.js';
import { checkAgainstDocument } from './openapi-validator.js';

/** A plain HTTP client for the Pine Labs dialect, the way a merchant's code calls it. */
export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave non-JSON bodies as text so a test can assert on them
  }
  // Every answer of the dialect is also checked against its served OpenAPI document.
  if (path.startsWith('/api/')) await checkAgainstDocument(baseUrl, 'pinelabs', method, path, response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}

export const VISA_OK = '4111111111111111';

export function cardPayment(reference: string, amount: number, cardNumber = VISA_OK, currency = 'INR') {
  return {
    payments: [
      {
        merchant_payment_reference: reference,
        payment_method: 'CARD',
        payment_amount: { value: amount, currency },
        payment_option: {
          card_details: { name: 'Test Holder', card_number: cardNumber, cvv: '123', expiry_month: '12', expiry_year: '2035' },
        },
      },
    ],
  };
}

let counter = 0;
export const uniqueRef = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A merchant's session against the Pine Labs dialect. */
export class PineLabsClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, merchant: MerchantCredentials): Promise<PineLabsClient> {
    const reply = await call(baseUrl, 'POST', '/api/auth/v1/token', {
      body: { client_id: merchant.client_id, client_secret: merchant.client_secret, grant_type: 'client_credentials' },
    });
    if (reply.status !== 200) throw new Error(`token: ${reply.status} ${JSON.stringify(reply.body)}`);
    return new PineLabsClient(baseUrl, reply.body.access_token);
  }

  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return call(this.baseUrl, method, path, { token: this.token, body, ...(headers ? { headers } : {}) });
  }

  createOrder(amount = 10000, options: { preAuth?: boolean; reference?: string; extra?: Record<string, unknown> } = {}): Promise<Reply> {
    return this.request('POST', '/api/pay/v1/orders', {
      merchant_order_reference: options.reference ?? uniqueRef('ord'),
      order_amount: { value: amount, currency: 'INR' },
      pre_auth: options.preAuth ?? true,
      ...options.extra,
    });
  }

  pay(orderId: string, amount: number, cardNumber = VISA_OK, reference = uniqueRef('pay')): Promise<Reply> {
    return this.request('POST', `/api/pay/v1/orders/${orderId}/payments`, cardPayment(reference, amount, cardNumber));
  }

  capture(orderId: string, body: unknown): Promise<Reply> {
    return this.request('PUT', `/api/pay/v1/orders/${orderId}/capture`, body);
  }

  cancel(orderId: string): Promise<Reply> {
    return this.request('PUT', `/api/pay/v1/orders/${orderId}/cancel`);
  }

  refund(orderId: string, amount?: number, reference = uniqueRef('rfd')): Promise<Reply> {
    return this.request('POST', `/api/pay/v1/refunds/${orderId}`, {
      merchant_order_reference: reference,
      ...(amount !== undefined ? { order_amount: { value: amount, currency: 'INR' } } : {}),
    });
  }

  getOrder(orderId: string): Promise<Reply> {
    return this.request('GET', `/api/pay/v1/orders/${orderId}`);
  }

  /** Order created with pre_auth and paid with `card`: returns the order id. */
  async authorizedOrder(amount = 10000, card = VISA_OK): Promise<string> {
    const order = await this.createOrder(amount);
    if (order.status !== 200) throw new Error(`create order: ${order.status} ${JSON.stringify(order.body)}`);
    const paid = await this.pay(order.body.data.order_id, amount, card);
    if (paid.status !== 200) throw new Error(`pay: ${paid.status} ${JSON.stringify(paid.body)}`);
    return order.body.data.order_id;
  }
}
