import type { FastifyInstance } from 'fastify';

/**
 * The base of links Holdfast hands out (challenge_url, payment_links). HOLDFAST_PUBLIC_URL when
 * set; otherwise the address the server really listens on, which is known only once it does
 * (PORT=0 picks a free port).
 */
export interface PublicLinks {
  base: string;
}

export function publicLinks(app: FastifyInstance, configured: string, explicit: boolean): PublicLinks {
  const links: PublicLinks = { base: configured };
  if (!explicit) {
    app.addHook('onListen', async () => {
      const address = app.server.address();
      if (address && typeof address === 'object') {
        const url = new URL(configured);
        url.port = String(address.port);
        links.base = url.toString().replace(/\/+$/, '');
      }
    });
  }
  return links;
}
