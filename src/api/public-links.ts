import type { FastifyInstance } from 'fastify';

/**
 * The base of links Holdfast hands out (challenge_url, payment_links), in responses and webhooks
 * alike. HOLDFAST_PUBLIC_URL when set; otherwise the address the server really listens on, which
 * is known only once it does (PORT=0 picks a free port).
 */
export interface PublicLinks {
  base: string;
}

export function followBoundPort(app: FastifyInstance, links: PublicLinks, explicit: boolean): void {
  if (explicit) return;
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (address && typeof address === 'object') {
      const url = new URL(links.base);
      url.port = String(address.port);
      links.base = url.toString().replace(/\/+$/, '');
    }
  });
}
