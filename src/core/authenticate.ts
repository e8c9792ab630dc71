import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import { HoldfastError } from '../domain/errors.js';
import { credentialUsable, findCredentialByHash, listUsableCredentials } from '../store/merchant-credentials-repository.js';
import { findMerchant, findMerchantByClientId } from '../store/merchants-repository.js';
import type { CoreContext } from './context.js';
import { keyIdFor } from './keys/keyring.js';
import { hashSecret, secretMatches } from './secrets.js';

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
}

/** Who a request acts for, once authenticated. */
export interface Principal {
  merchantId: string;
  /**
   * The credential it authenticated with (the API key, or the client secret a token was issued
   * for), checked again at most a second later on each request (merchant-status.ts); absent from
   * tokens issued before credentials were named.
   */
  credentialId?: string;
}

const unauthenticated = () => new HoldfastError('unauthenticated', 'Unauthorized');

/** How far ahead of this process's clock a token's issue time may be (another process's clock). */
const CLOCK_SKEW_MS = 60_000;

/** The key that signed tokens issued before tokens named their key (they carry no `kid`); kept, retired, until they expire. */
const UNNAMED_TOKEN_KEY = keyIdFor('token_signing', 0);

type SignToken = (payload: Record<string, string | number>) => string;
const signers = new WeakMap<Buffer, SignToken>();

/**
 * Client-credentials grant: a token (HS256) signed with the newest token-signing key and naming
 * it (`kid`), which any process sharing the database verifies with no database read, valid until
 * its `exp` across restarts and key rotations. A disabled merchant is refused like a wrong secret.
 */
export async function issueToken(ctx: CoreContext, clientId: string, clientSecret: string): Promise<AccessToken> {
  const merchant = await findMerchantByClientId(ctx.db, clientId);
  // Every client secret still in its rotation overlap works; each is compared (constant time), and
  // the candidate is hashed even for an unknown client, so every failure takes the same time.
  const candidates = merchant
    ? (await listUsableCredentials(ctx.db, merchant.id, 'client_secret', ctx.clock.now())).filter((c) => c.clientId === clientId)
    : [];
  let matched: string | undefined;
  for (const candidate of candidates.length > 0 ? candidates : [{ id: undefined, secretHash: hashSecret('') }]) {
    if (secretMatches(clientSecret, candidate.secretHash ?? hashSecret('')) && candidate.id !== undefined) matched ??= candidate.id;
  }
  if (!merchant || !matched || merchant.disabledAt !== null) throw new HoldfastError('unauthenticated', 'Invalid client credentials');
  const nowMs = ctx.clock.now().getTime();
  const exp = Math.floor((nowMs + ctx.tokenTtlMs) / 1000);
  await ctx.keys.refresh();
  const key = ctx.keys.current('token_signing');
  let sign = signers.get(key.secret);
  if (!sign) {
    sign = createSigner<Record<string, string | number>>({ key: key.secret, algorithm: 'HS256', kid: key.id });
    signers.set(key.secret, sign);
  }
  const accessToken = sign({ sub: merchant.id, cid: matched, iat: Math.floor(nowMs / 1000), exp });
  return { accessToken, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies a bearer token: signed by the token-signing key its `kid` names (one this process has
 * not seen yet is read from the database, at most once a second), not expired by the injectable
 * clock, and no longer-lived than a token Holdfast issues (`exp - iat` within the token lifetime,
 * `iat` not in the future), so a token signed with a leaked key cannot be made to last for ever.
 * Whether its merchant still exists and is active, and the client secret it was issued for still
 * works, is the caller's check (merchant-status.ts).
 */
export function tokenVerifier(ctx: Pick<CoreContext, 'keys' | 'clock' | 'tokenTtlMs'>): (token: string) => Promise<Principal> {
  const decodeHeader = createDecoder({ complete: true, checkTyp: undefined });
  const verifiers = new Map<string, { secret: Buffer; verify: ReturnType<typeof createVerifier> }>();
  return async (token) => {
    let kid: unknown;
    try {
      kid = (decodeHeader(token) as { header?: { kid?: unknown } }).header?.kid ?? UNNAMED_TOKEN_KEY;
    } catch {
      throw unauthenticated();
    }
    if (typeof kid !== 'string' || kid.length > 64) throw unauthenticated();
    const key = await ctx.keys.find(kid, 'token_signing');
    if (!key) throw unauthenticated();
    let verifier = verifiers.get(kid);
    if (!verifier || verifier.secret !== key.secret) {
      verifier = {
        secret: key.secret,
        verify: createVerifier({
          key: key.secret,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp', 'iat'],
          // Expiry is checked against the injectable clock below, not the verifier's own.
          ignoreExpiration: true,
          cache: 1000,
        }),
      };
      verifiers.set(kid, verifier);
    }
    let claims: { sub?: unknown; exp?: unknown; iat?: unknown; cid?: unknown };
    try {
      claims = verifier.verify(token) as typeof claims;
    } catch {
      throw unauthenticated();
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw unauthenticated();
    const nowMs = ctx.clock.now().getTime();
    if (claims.exp * 1000 <= nowMs) throw unauthenticated();
    if ((claims.exp - claims.iat) * 1000 > ctx.tokenTtlMs || claims.iat * 1000 > nowMs + CLOCK_SKEW_MS) throw unauthenticated();
    if (claims.cid !== undefined && typeof claims.cid !== 'string') throw unauthenticated();
    return typeof claims.cid === 'string' ? { merchantId: claims.sub, credentialId: claims.cid } : { merchantId: claims.sub };
  };
}

/**
 * Juspay-style API key (HTTP Basic user name): any of the merchant's keys not revoked or expired
 * (a rotation leaves the old one working until its expiry); a disabled merchant's key is refused.
 * The key is found by its SHA-256, so no comparison of secrets happens here at all.
 */
export async function authenticateApiKey(ctx: CoreContext, apiKey: string): Promise<Principal> {
  const credential = await findCredentialByHash(ctx.db, 'api_key', hashSecret(apiKey));
  if (!credential || !credentialUsable(credential, ctx.clock.now())) throw unauthenticated();
  const merchant = await findMerchant(ctx.db, credential.merchantId);
  if (!merchant || merchant.disabledAt !== null) throw unauthenticated();
  return { merchantId: merchant.id, credentialId: credential.id };
}
