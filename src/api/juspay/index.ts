import type { DialectModule } from '../dialect.js';
import { juspayClientError } from './errors.js';
import { juspayDocs } from './route-docs.js';
import { juspayOutcomeText, juspayReturnRedirect } from './return-redirect.js';
import { juspayRoutes } from './routes.js';
import { juspayWebhooks } from './webhook-events.js';

/**
 * The Juspay Express Checkout dialect: its routes at the root (Juspay's SDK drops any base path, so
 * it also answers framework errors on every path no other dialect owns), its webhooks, its return
 * redirect and error shape.
 */
export const juspayDialect: DialectModule = {
  name: 'juspay',
  prefix: '',
  routes: juspayRoutes,
  webhooks: juspayWebhooks,
  returnRedirect: juspayReturnRedirect,
  outcomeText: juspayOutcomeText,
  clientErrorBody: juspayClientError,
  documentation: juspayDocs,
};
