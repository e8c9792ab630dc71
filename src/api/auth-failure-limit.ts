import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HoldfastError, rateLimited } from '../domain/errors.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** How many failed authentications a client may make in a window (docs/rate-limits.md); 0: no limit. */
export interface AuthFailureSettings {
  /** Per client IP and credential (the client_id, or the API key tried). */
  perCredential: number;
  /** Per client IP, whatever the credentials. */
  perIp: number;
  windowMs: number;
}

/**
 * Limits failed authentications (the Pine Labs token endpoint, Juspay's Basic API key), counted
 * by @fastify/rate-limit in its store, so every process sharing the store shares the counts. Only
 * failures count: a client that authenticates is never slowed down by its own successes. A client
 * over a limit is refused before its credential is even checked, so guessing on gets it nothing.
 *
 * Credentials are kept in the store as a hash only (an API key tried may be nearly right). They
 * are counted per IP, not alone, so nobody can lock a merchant out by failing with its client_id.
 */
export class AuthFailureLimit {
  private readonly limiters: Limiter[] = [];
  private readonly credentialOf = new WeakMap<FastifyRequest, string>();

  /**
   * `keys.prefix` keeps another door's counts apart (default `auth`); `keys.credentialAcrossIps`
   * counts a credential's failures from every address together (the admin sign-in, per e-mail).
   */
  constructor(app: FastifyInstance, settings: AuthFailureSettings, keys: { prefix?: string; credentialAcrossIps?: boolean } = {}) {
    const prefix = keys.prefix ?? 'auth';
    const ip = (request: FastifyRequest) => normalizeIP(request.ip);
    const limiter = (max: number, key: (request: FastifyRequest) => string) =>
      max > 0 ? [app.createRateLimit({ max, timeWindow: settings.windowMs, keyGenerator: key, skipOnError: true })] : [];
    const credentialKey = (request: FastifyRequest) =>
      keys.credentialAcrossIps
        ? `${prefix}-credential:${this.credentialOf.get(request) ?? ''}`
        : `${prefix}-credential:${ip(request)}:${this.credentialOf.get(request) ?? ''}`;
    this.limiters = [
      ...limiter(settings.perIp, (request) => `${prefix}-ip:${ip(request)}`),
      ...limiter(settings.perCredential, credentialKey),
    ];
  }

  /**
   * Runs `authenticate` for `credential` unless the client is over a limit (then `rate_limited`);
   * a failure (`unauthenticated`) is counted and thrown on.
   */
  async guard<T>(request: FastifyRequest, credential: string, authenticate: () => Promise<T>): Promise<T> {
    if (this.limiters.length === 0) return authenticate();
    this.credentialOf.set(request, createHash('sha256').update(credential, 'utf8').digest('hex').slice(0, 32));
    for (const limiter of this.limiters) {
      const state = await limiter(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0) throw rateLimited(state.ttlInSeconds);
    }
    try {
      return await authenticate();
    } catch (error) {
      if (error instanceof HoldfastError && error.code === 'unauthenticated') {
        for (const limiter of this.limiters) await limiter(request);
      }
      throw error;
    }
  }
}
