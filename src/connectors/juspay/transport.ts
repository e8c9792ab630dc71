/**
 * One Juspay call over `sendUpstream`: HTTP Basic with the API key as user and an empty password
 * (`base64(apiKey + ':')`, as Juspay's documents and its .NET and MCP clients send it), the
 * upstream merchant id in `x-merchantid`, form-encoded bodies (Juspay's classic encoding for
 * orders, transactions, capture, void and refunds). Card fields pass through the body only: no
 * request body ever reaches a log or an error message.
 */
import { RequestNotSent } from '../gateway.js';
import type { GatewayAccountConfig, UpstreamDeps } from '../upstream.js';
import { parseJsonBody, sendUpstream, UpstreamNoAnswer } from '../upstream-http.js';

/** What came back from one call: an HTTP answer (its body parsed if it was JSON), or no full answer. */
export type Exchange = { kind: 'answer'; status: number; body: unknown } | { kind: 'no_answer'; reason: string };

export interface JuspayTransport {
  get(path: string): Promise<Exchange>;
  post(path: string, form?: Record<string, string>): Promise<Exchange>;
}

/**
 * Throws `RequestNotSent` when the request provably never reached the upstream (and when the
 * account cannot even address it: no base URL or API key); any other failure is `no_answer`.
 */
export function juspayTransport(account: GatewayAccountConfig, deps: UpstreamDeps): JuspayTransport {
  const { apiKey, upstreamMerchantId } = account.credentials;
  const baseUrl = account.baseUrl?.replace(/\/+$/, '') ?? '';
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${apiKey ?? ''}:`, 'utf8').toString('base64')}`,
    ...(upstreamMerchantId ? { 'x-merchantid': upstreamMerchantId } : {}),
  };

  async function send(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Exchange> {
    if (!baseUrl || !URL.canParse(baseUrl)) throw new RequestNotSent(`gateway account ${account.id} has no usable base URL`);
    if (!apiKey) throw new RequestNotSent(`gateway account ${account.id} has no API key`);
    const body = method === 'POST' ? new URLSearchParams(form ?? {}).toString() : undefined;
    try {
      const answer = await sendUpstream({
        method,
        url: `${baseUrl}${path}`,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        ...(body === undefined ? {} : { body }),
        connectTimeoutMs: deps.connectTimeoutMs,
        timeoutMs: deps.timeoutMs,
      });
      return { kind: 'answer', status: answer.status, body: parseJsonBody(answer.text) };
    } catch (error) {
      if (error instanceof RequestNotSent) throw error;
      if (error instanceof UpstreamNoAnswer) return { kind: 'no_answer', reason: `juspay: ${error.message}` };
      // Anything else went wrong on the way out, at a point nobody can place: the outcome is unknown.
      return { kind: 'no_answer', reason: `juspay: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  return {
    get: (path) => send('GET', path),
    post: (path, form) => send('POST', path, form),
  };
}
