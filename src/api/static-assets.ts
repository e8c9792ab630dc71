import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The built browser assets (scripts/build-assets.mjs writes them to dist/web/), served under
 * /assets/ with stable names. Pages link them with a content hash in the query, so a browser may
 * keep them a day and still never pairs a new page with an old script.
 */
export const ASSETS_PREFIX = '/assets/';

// src/api/ and dist/api/ are both two folders below the package root.
const ASSETS_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const versions = new Map<string, string>();

/** The URL of a built asset, e.g. `assetUrl('checkout.js')`. */
export function assetUrl(name: string): string {
  let version = versions.get(name);
  if (version === undefined) {
    const file = `${ASSETS_DIR}${name}`;
    version = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12) : '';
    versions.set(name, version);
  }
  return version ? `${ASSETS_PREFIX}${name}?v=${version}` : `${ASSETS_PREFIX}${name}`;
}

export async function staticAssetRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: ASSETS_PREFIX,
    // Only what the build wrote; no directory listings, no dotfiles, no index pages.
    index: false,
    list: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (res) => {
      res.header('cache-control', 'public, max-age=86400');
      res.header('x-content-type-options', 'nosniff');
      res.header('cross-origin-resource-policy', 'same-origin');
    },
  });
}
