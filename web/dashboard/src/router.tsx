import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { Shell } from './components/Shell';
import { AuditPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { JobsPage } from './pages/JobsPage';
import { MerchantPage } from './pages/MerchantPage';
import { MerchantsPage } from './pages/MerchantsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OrderPage } from './pages/OrderPage';
import { OrdersPage } from './pages/OrdersPage';
import { ReviewsPage } from './pages/ReviewsPage';
import { WebhookPage } from './pages/WebhookPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { auditFilters, homeSearch, jobFilters, orderFilters, webhookFilters } from './search';

/** Code-based routes under /dashboard/ (the server answers index.html for each of them). */
const rootRoute = createRootRoute({ component: Shell, notFoundComponent: NotFoundPage });

const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: HomePage, validateSearch: homeSearch });
const ordersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/orders', component: OrdersPage, validateSearch: orderFilters });
const orderRoute = createRoute({ getParentRoute: () => rootRoute, path: '/orders/$orderId', component: OrderPage });
const reviewsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reviews', component: ReviewsPage });
const merchantsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/merchants', component: MerchantsPage });
const merchantRoute = createRoute({ getParentRoute: () => rootRoute, path: '/merchants/$merchantId', component: MerchantPage });
const webhooksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/webhooks',
  component: WebhooksPage,
  validateSearch: webhookFilters,
});
const webhookRoute = createRoute({ getParentRoute: () => rootRoute, path: '/webhooks/$eventId', component: WebhookPage });
const jobsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/jobs', component: JobsPage, validateSearch: jobFilters });
const auditRoute = createRoute({ getParentRoute: () => rootRoute, path: '/audit', component: AuditPage, validateSearch: auditFilters });

const routeTree = rootRoute.addChildren([
  homeRoute,
  ordersRoute,
  orderRoute,
  reviewsRoute,
  merchantsRoute,
  merchantRoute,
  webhooksRoute,
  webhookRoute,
  jobsRoute,
  auditRoute,
]);

export const router = createRouter({ routeTree, basepath: '/dashboard', defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
