import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { jobRunsPage, jobsPage } from '../../core/admin/job-listing.js';
import type { CoreContext } from '../../core/context.js';
import { actorOf, merchantFilter, requireRole } from './access.js';
import { AdminErrorSchema } from './order-schemas.js';

const Param = (description: string, maxLength = 200) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));
const NStr = Type.Union([Type.String(), Type.Null()]);
const NInstant = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const JobsQuerystring = Type.Object(
  {
    merchant_id: Param("only this merchant's jobs"),
    kind: Param('e.g. order.auto_void, sync.capture, webhook.deliver, retention.prune'),
    state: Param('scheduled (not due yet), due (waiting for a worker), running (leased by a worker) or failed (gave up)', 20),
    order_id: Param("only this order's jobs"),
    limit: Param('1–100, default 25', 3),
    cursor: Param('next_cursor of the previous page', 400),
  },
  { additionalProperties: false },
);

export const JobSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  key: Type.String({ description: 'unique: enqueuing the same key again replaces the pending job' }),
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('due'), Type.Literal('running'), Type.Literal('failed')]),
  merchant_id: Type.Union([Type.String(), Type.Null()], { description: 'null for a system-wide job' }),
  order_id: NStr,
  run_at: Type.String({ format: 'date-time' }),
  attempts: Type.Integer({ minimum: 0, description: 'attempts made (counting a running one)' }),
  max_attempts: Type.Integer({ minimum: 0 }),
  last_error: NStr,
  locked_until: NInstant,
  failed_at: NInstant,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const JobRunsQuerystring = Type.Object(
  {
    merchant_id: Param("only this merchant's runs"),
    kind: Param('e.g. order.auto_void, sync.capture, webhook.deliver, retention.prune'),
    outcome: Param('done, retry (failed, tried again later) or failed (the last attempt failed)', 20),
    order_id: Param("only the runs of this order's jobs"),
    limit: Param('1–100, default 25', 3),
    cursor: Param('next_cursor of the previous page', 400),
  },
  { additionalProperties: false },
);

export const JobRunSchema = Type.Object({
  id: Type.Integer(),
  job_id: Type.Integer({ description: 'the job that ran (gone once it finished)' }),
  kind: Type.String(),
  key: Type.String(),
  merchant_id: NStr,
  order_id: NStr,
  attempt: Type.Integer({ minimum: 1 }),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.String({ format: 'date-time' }),
  outcome: Type.Union([Type.Literal('done'), Type.Literal('retry'), Type.Literal('failed')]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'the start of the error of a run that did not succeed' }),
});

const listResponses = (item: typeof JobSchema | typeof JobRunSchema) => ({
  200: Type.Object({ data: Type.Array(item), next_cursor: NStr }),
  400: AdminErrorSchema,
  401: AdminErrorSchema,
  403: AdminErrorSchema,
});

/**
 * `GET /admin/v1/jobs` and `GET /admin/v1/jobs/runs` (docs/admin-api.md "Home, jobs and audit"),
 * role viewer: the background jobs waiting, running or failed, and the history of their runs.
 */
export async function jobsRoutes(root: FastifyInstance, { ctx }: { ctx: CoreContext }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/jobs',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs, in the order they will run',
        querystring: JobsQuerystring,
        response: listResponses(JobSchema),
      },
    },
    async (request) => jobsPage(ctx, request.query, merchantFilter(actorOf(request), request.query.merchant_id)),
  );
  app.get(
    '/jobs/runs',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['jobs'],
        summary: 'Past runs of background jobs, newest first',
        querystring: JobRunsQuerystring,
        response: listResponses(JobRunSchema),
      },
    },
    async (request) => jobRunsPage(ctx, request.query, merchantFilter(actorOf(request), request.query.merchant_id)),
  );
}
