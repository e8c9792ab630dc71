/**
 * Calls to a Pine Labs Online account's API as its merchant: each with a bearer token from the
 * client-credentials grant (`POST /api/auth/v1/token`, cached by token-cache.ts), and once more with
 * a fresh token when the upstream answers 401 — a 401 is given before the request is acted on, so
 * sending it again is safe.
 *
 * What can go wrong with the token is told apart from the call itself, because the call was then
 * never sent: `AccountNotUsable` (the upstream refused our client credentials, or the account lacks
 * them: configuration) and `TokenUnavailable` (no usable answer from the token endpoint). Failures of
 * the call's own exchange are sendUpstream's `RequestNotSent` and `UpstreamNoAnswer`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GatewayAccountConfig, UpstreamDeps } from '../upstream.js';
import { parseJsonBody, sendUpstream } from '../upstream-http.js';
import { pineLabsTokens, type AccessTokenCache, type FetchedToken } from './token-cache.js';
import { errorOf, PINELABS_PATHS, tokenOf } from './wire.js';

/** The upstream refused our client credentials, or the account lacks what a call needs: its configuration, not the payment. */
export class AccountNotUsable extends Error {
  override readonly name = 'AccountNotUsable';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No token could be had (no answer, a 5xx, an answer that is not a token): the call that needed it was never sent. */
export class TokenUnavailable extends Error {
  override readonly name = 'TokenUnavailable';
}

/** One answer of the upstream: its status and its body parsed as JSON (undefined when it is not JSON). */
export interface Answer {
  status: number;
  body: unknown;
}

export type Method = 'GET' | 'POST' | 'PUT';

/** 408 and 429 only say "not now": not a refusal of what was asked. */
export const isRefusal = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

export class PineLabsSession {
  private readonly baseUrl: string | null;
  private readonly cacheKey: string;

  constructor(
    private readonly account: GatewayAccountConfig,
    private readonly deps: UpstreamDeps,
    private readonly tokens: AccessTokenCache = pineLabsTokens,
  ) {
    this.baseUrl = account.baseUrl ? account.baseUrl.replace(/\/+$/, '') : null;
    const { clientId = '', clientSecret = '' } = account.credentials;
    // The secret itself is not kept in the key, only its digest.
    const secretDigest = createHash('sha256').update(clientSecret).digest('base64url');
    this.cacheKey = [account.id, this.baseUrl ?? '', clientId, secretDigest].join('\n');
  }

  /** Sends one request as the merchant; a 401 is answered by one retry with a fresh token. */
  async send(method: Method, path: string, body?: unknown): Promise<Answer> {
    this.base();
    const token = await this.token();
    const answer = await this.exchange(method, path, body, token);
    if (answer.status !== 401) return answer;
    this.tokens.invalidate(this.cacheKey, token);
    return this.exchange(method, path, body, await this.token());
  }

  private token(): Promise<string> {
    return this.tokens.get(
      this.cacheKey,
      () => this.deps.clock.now().getTime(),
      () => this.fetchToken(),
    );
  }

  private async fetchToken(): Promise<FetchedToken> {
    const { clientId, clientSecret } = this.account.credentials;
    if (!clientId || !clientSecret) throw new AccountNotUsable('CREDENTIALS_MISSING', 'The gateway account has no client id and secret');
    let answer: Answer;
    try {
      answer = await this.exchange(
        'POST',
        PINELABS_PATHS.token,
        { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' },
        null,
      );
    } catch (error) {
      throw new TokenUnavailable(`token: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (isRefusal(answer.status)) {
      const { code, message } = errorOf(answer.status, answer.body);
      throw new AccountNotUsable(code, `The upstream refused the client credentials: ${message}`);
    }
    const token = answer.status === 200 ? tokenOf(answer.body) : undefined;
    if (!token) throw new TokenUnavailable(`token: the upstream answered HTTP ${answer.status} without a token`);
    const nowMs = this.deps.clock.now().getTime();
    const expiresAtMs = token.expires_at ? Date.parse(token.expires_at) : Number.NaN;
    if (Number.isFinite(expiresAtMs)) return { value: token.access_token, expiresAtMs };
    if (token.expires_in !== undefined) return { value: token.access_token, expiresAtMs: nowMs + token.expires_in * 1000 };
    return { value: token.access_token, expiresAtMs: null };
  }

  private base(): string {
    if (!this.baseUrl) throw new AccountNotUsable('BASE_URL_MISSING', 'The gateway account has no base URL');
    return this.baseUrl;
  }

  private async exchange(method: Method, path: string, body: unknown, token: string | null): Promise<Answer> {
    const response = await sendUpstream({
      method,
      url: this.base() + path,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        // Shown on every request of the reference; one per exchange, for tracing at the upstream.
        'request-id': randomUUID(),
        'request-timestamp': this.deps.clock.now().toISOString(),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      connectTimeoutMs: this.deps.connectTimeoutMs,
      timeoutMs: this.deps.timeoutMs,
    });
    return { status: response.status, body: parseJsonBody(response.text) };
  }
}
