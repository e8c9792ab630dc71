import type { DialectModule } from '../dialect.js';
import { pineLabsClientError } from './errors.js';
import { pineLabsDocs } from './route-docs.js';
import { pineLabsOutcomeText, pineLabsReturnRedirect } from './return-redirect.js';
import { pineLabsRoutes } from './routes.js';
import { pineLabsWebhooks } from './webhook-events.js';

/** The Pine Labs Online dialect: its routes under /api, its webhooks, its return redirect and error shape. */
export const pineLabsDialect: DialectModule = {
  name: 'pinelabs',
  prefix: '/api',
  routes: pineLabsRoutes,
  webhooks: pineLabsWebhooks,
  returnRedirect: pineLabsReturnRedirect,
  outcomeText: pineLabsOutcomeText,
  clientErrorBody: pineLabsClientError,
  documentation: pineLabsDocs,
};
