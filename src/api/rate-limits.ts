import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { rateLimited } from '../domain/errors.js';
import { AuthFailureLimit } from './auth-failure-limit.js';

/** The request limits (docs/rate-limits.md), each counted per window; 0 turns one off. */
export interface RequestLimitSettings {
  windowMs: number;
  /** Failed authentications per client IP and credential. */
  authFailures: number;
  /** Failed authentications per client IP, whatever the credentials. */
  authFailuresPerIp: number;
  /** Requests to the hosted pages per client IP. */
  hosted: number;
  /** API requests per merchant, in both dialects. */
  merchant: number;
}

/** Where the counts live: Redis shared by every process, or (no Redis) this process's memory. */
export interface LimitStore {
  redis: Redis | undefined;
  /** Prefix of every key Holdfast writes in Redis. */
  prefix: string;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** What the routes apply: hooks that answer `rate_limited` (a 429 in the scope's shape, with Retry-After). */
export interface RequestLimits {
  /** onRequest of every hosted page: per client IP. */
  hosted: Hook;
  /** After a dialect authenticated the merchant: its API limit. */
  merchant: Hook;
  /** Failed authentications. */
  authFailures: AuthFailureLimit;
  /** Failed admin sign-ins, per client IP and per e-mail from any address (docs/admin-api.md). */
  adminSignIn: AuthFailureLimit;
}

const noLimit: Hook = async () => undefined;

/**
 * Registers @fastify/rate-limit on the root server, with no limit of its own (each scope applies
 * the ones above), and decorates the server with `limits`. A store that cannot be reached (Redis
 * down) limits nothing rather than failing requests: the limits are a shield, not a gate.
 */
export async function installRequestLimits(app: FastifyInstance, settings: RequestLimitSettings, store: LimitStore): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    timeWindow: settings.windowMs,
    skipOnError: true,
    ...(store.redis ? { redis: store.redis, nameSpace: `${store.prefix}rate-limit:` } : {}),
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000)),
  });
  const hook = (max: number, key: (request: FastifyRequest) => string): Hook => {
    if (max <= 0) return noLimit;
    const handler = app.rateLimit({ max, timeWindow: settings.windowMs, keyGenerator: key });
    return async (request, reply) => {
      await handler.call(app, request, reply);
    };
  };
  const limits: RequestLimits = {
    hosted: hook(settings.hosted, (request) => `hosted:${normalizeIP(request.ip)}`),
    merchant: hook(settings.merchant, (request) => `merchant:${request.principal?.merchantId ?? ''}`),
    authFailures: new AuthFailureLimit(app, {
      perCredential: settings.authFailures,
      perIp: settings.authFailuresPerIp,
      windowMs: settings.windowMs,
    }),
    adminSignIn: new AuthFailureLimit(
      app,
      { perCredential: settings.authFailures, perIp: settings.authFailuresPerIp, windowMs: settings.windowMs },
      { prefix: 'admin-sign-in', credentialAcrossIps: true },
    ),
  };
  app.decorate('limits', limits);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The request limits every scope applies (api/rate-limits.ts). */
    limits: RequestLimits;
  }
}
