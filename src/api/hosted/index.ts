import type { FastifyInstance } from 'fastify';
import type { CoreContext } from '../../core/context.js';
import type { DialectLookup } from '../dialect.js';
import type { PublicLinks } from '../public-links.js';
import { challengePageRoutes } from './challenge-page.js';
import { paymentLinkPageRoutes } from './payment-link-page.js';
import { hostedNotFound } from './not-found.js';
import { paymentPageRoutes } from './payment-page.js';
import { upstreamReturnRoutes } from './upstream-return-page.js';

/** What the hosted pages are given: the core, the public base URL, and the dialect of an order by its name. */
export interface HostedPageOptions {
  ctx: CoreContext;
  links: PublicLinks;
  dialectOf: DialectLookup;
}

/**
 * The pages Holdfast serves to a customer's browser, shared by every dialect: the 3-D Secure
 * challenge, the payment page, and the return after a frictionless payment. They know dialects
 * only through the lookup, which words the outcome and finds the merchant's return URL. Each
 * page's plugin installs its own headers and CSRF check (hosted-scope.ts).
 */
export async function hostedPageRoutes(app: FastifyInstance, options: HostedPageOptions): Promise<void> {
  await app.register(challengePageRoutes, options);
  await app.register(paymentPageRoutes, options);
  await app.register(paymentLinkPageRoutes, options);
  await app.register(upstreamReturnRoutes, options);
  await app.register(hostedNotFound, { prefix: '/merchant' });
  await app.register(hostedNotFound, { prefix: '/web/auth' });
}

export { checkoutPageRoutes, type CheckoutPageOptions, type CheckoutTarget } from './checkout-page.js';
