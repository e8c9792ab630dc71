import { createSigner, createVerifier } from 'fast-jwt';
import { HoldfastError } from '../domain/errors.js';
import { findMerchantByApiKeyHash, findMerchantByClientId } from '../store/merchants-repository.js';
import type { CoreContext } from './context.js';
import { hashSecret, secretMatches } from './secrets.js';

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
}

/** Who a request acts for, once authenticated. */
export interface Principal {
  merchantId: string;
}

const unauthenticated = () => new HoldfastError('unauthenticated', 'Unauthorized');

/** How far ahead of this process's clock a token's issue time may be (another process's clock). */
const CLOCK_SKEW_MS = 60_000;

/**
 * Client-credentials grant: a signed (HS256) token that any process sharing the database can
 * verify with no database read, valid until its `exp` across restarts.
 */
export async function issueToken(ctx: CoreContext, clientId: string, clientSecret: string): Promise<AccessToken> {
  const merchant = await findMerchantByClientId(ctx.db, clientId);
  // Hash the candidate even for an unknown client, so both failures take the same time.
  const matches = secretMatches(clientSecret, merchant?.clientSecretHash ?? hashSecret(''));
  if (!merchant || !matches) throw new HoldfastError('unauthenticated', 'Invalid client credentials');
  const nowMs = ctx.clock.now().getTime();
  const exp = Math.floor((nowMs + ctx.tokenTtlMs) / 1000);
  const sign = createSigner({ key: ctx.keys.tokenSigning, algorithm: 'HS256' });
  const claims: Record<string, string | number> = { sub: merchant.id, iat: Math.floor(nowMs / 1000), exp };
  const accessToken = sign(claims);
  return { accessToken, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies a bearer token: Holdfast's signature, not expired by the injectable clock, and no
 * longer-lived than a token Holdfast issues (`exp - iat` within HOLDFAST's token lifetime, `iat`
 * not in the future), so a token signed with a leaked key cannot be made to last for ever.
 */
export function tokenVerifier(ctx: Pick<CoreContext, 'keys' | 'clock' | 'tokenTtlMs'>): (token: string) => Principal {
  const verify = createVerifier({
    key: ctx.keys.tokenSigning,
    algorithms: ['HS256'],
    requiredClaims: ['sub', 'exp', 'iat'],
    // Expiry is checked against the injectable clock below, not the verifier's own.
    ignoreExpiration: true,
    cache: 1000,
  });
  return (token) => {
    let claims: { sub?: unknown; exp?: unknown; iat?: unknown };
    try {
      claims = verify(token) as typeof claims;
    } catch {
      throw unauthenticated();
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw unauthenticated();
    const nowMs = ctx.clock.now().getTime();
    if (claims.exp * 1000 <= nowMs) throw unauthenticated();
    if ((claims.exp - claims.iat) * 1000 > ctx.tokenTtlMs || claims.iat * 1000 > nowMs + CLOCK_SKEW_MS) throw unauthenticated();
    return { merchantId: claims.sub };
  };
}

/** Juspay-style API key (HTTP Basic user name). */
export async function authenticateApiKey(ctx: CoreContext, apiKey: string): Promise<Principal> {
  const merchant = await findMerchantByApiKeyHash(ctx.db, hashSecret(apiKey));
  if (!merchant) throw unauthenticated();
  return { merchantId: merchant.id };
}
