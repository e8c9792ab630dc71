/**
 * The OpenAPI documents at /openapi/{pinelabs,juspay,admin}.json: OpenAPI 3.1 in shape, each holding
 * exactly its own routes — enumerated independently, by registering each dialect's routes on a
 * bare Fastify instance and by the server's own route table — with request and response schemas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { juspayDialect } from '../../src/api/juspay/index.js';
import { pineLabsDialect } from '../../src/api/pinelabs/index.js';
import type { DialectModule } from '../../src/api/dialect.js';
import { fetchDocument, OPENAPI_METHODS, type OpenApiDocument } from '../helpers/openapi-validator.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** `/orders/:order_id` as OpenAPI writes it: `/orders/{order_id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every operation of a document, as "METHOD /path". */
function operations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => OPENAPI_METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The routes a dialect registers, read from Fastify's onRoute hook on an instance of its own (HEAD twins left out). */
async function dialectRoutes(server: TestServer, dialect: DialectModule): Promise<string[]> {
  const probe = Fastify();
  const found: string[] = [];
  probe.decorate('limits', {} as never);
  probe.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') found.push(`${method} ${openApiPath(route.url)}`);
  });
  await probe.register(dialect.routes, {
    ...(dialect.prefix ? { prefix: dialect.prefix } : {}),
    ctx: server.app.ctx,
    links: { base: server.baseUrl },
  });
  await probe.ready();
  await probe.close();
  return found.sort();
}

/** Every route of the running server, from Fastify's route table ("METHOD /path"). */
function serverRoutes(server: TestServer): string[] {
  const lines = server.app.server.printRoutes({ commonPrefix: false }).split('\n');
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of lines) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) if (method !== 'HEAD') routes.push(`${method} ${openApiPath(path)}`);
  }
  return routes.sort();
}

describe('the OpenAPI documents', () => {
  let server: TestServer;
  const docs: Record<string, OpenApiDocument> = {};
  before(async () => {
    server = await startTestServer();
    for (const name of ['pinelabs', 'juspay', 'admin']) docs[name] = await fetchDocument(server.baseUrl, name);
  });
  after(() => server.close());

  it('are OpenAPI 3.1 documents with info, paths, components and security schemes', () => {
    for (const [name, doc] of Object.entries(docs)) {
      assert.equal(doc.openapi, '3.1.0', name);
      const info = doc.info as { title?: string; version?: string };
      assert.ok(info.title && info.version, `${name}: info.title and info.version`);
      assert.equal(typeof doc.paths, 'object', name);
      assert.ok(Object.keys(doc.paths).length > 0, `${name} has paths`);
      assert.ok(Object.keys(doc.components?.securitySchemes ?? {}).length > 0, `${name} has security schemes`);
      assert.ok(Array.isArray(doc.security) && doc.security.length > 0, `${name} requires credentials by default`);
    }
    assert.deepEqual(docs.pinelabs?.components?.securitySchemes.bearerToken, {
      type: 'http',
      scheme: 'bearer',
      description: docs.pinelabs?.components?.securitySchemes.bearerToken.description,
    });
    assert.equal(docs.juspay?.components?.securitySchemes.apiKey.scheme, 'basic');
    assert.equal(docs.admin?.components?.securitySchemes.adminToken.scheme, 'bearer');
    const session: { in: string; name: string } = (docs.admin as any).components.securitySchemes.operatorSession;
    assert.deepEqual({ in: session.in, name: session.name }, { in: 'cookie', name: 'holdfast_session' });
  });

  it('each dialect document holds exactly the routes the dialect registers', async () => {
    for (const [name, dialect] of [
      ['pinelabs', pineLabsDialect],
      ['juspay', juspayDialect],
    ] as const) {
      const registered = await dialectRoutes(server, dialect);
      assert.ok(registered.length > 5, `${name} registers its routes`);
      assert.deepEqual(operations(docs[name] as OpenApiDocument).sort(), registered, name);
    }
  });

  it('the admin document holds exactly the server’s /admin/v1 routes; no dialect document holds an admin, docs or hosted path', () => {
    const routes = serverRoutes(server);
    assert.ok(routes.includes('GET /admin/v1/me'), 'the route table is read');
    // Parameters compared without their names: Fastify's table shares one node between routes whose
    // parameters differ only in name ("{kind}|{credential_id}").
    const unnamed = (op: string) => op.replace(/\{[^}]+\}(?:\|\{[^}]+\})*/g, '{}');
    const admin = routes.filter((r) => r.split(' ')[1]?.startsWith('/admin/v1/')).map(unnamed);
    assert.deepEqual(
      operations(docs.admin as OpenApiDocument)
        .map(unnamed)
        .sort(),
      admin.sort(),
    );
    for (const name of ['pinelabs', 'juspay']) {
      for (const path of Object.keys((docs[name] as OpenApiDocument).paths)) {
        assert.ok(!/^\/(admin|docs|openapi|healthz|readyz|assets)\b/.test(path), `${name} holds ${path}`);
      }
    }
    // Everything a document holds is a real route of the server.
    const served = routes.map(unnamed);
    for (const doc of Object.values(docs)) for (const op of operations(doc)) assert.ok(served.includes(unnamed(op)), `${op} is served`);
  });

  it('every dialect operation has a summary, a request schema where it takes a body, and JSON response schemas', () => {
    for (const name of ['pinelabs', 'juspay']) {
      for (const [path, item] of Object.entries((docs[name] as OpenApiDocument).paths)) {
        for (const [method, op] of Object.entries(item)) {
          const label = `${name} ${method.toUpperCase()} ${path}`;
          assert.ok(op.summary, `${label}: summary`);
          const success = op.responses['200'];
          assert.ok(success?.content?.['application/json']?.schema?.type === 'object', `${label}: a 200 JSON object schema`);
          for (const status of ['401', '429', 'default'])
            assert.ok(op.responses[status]?.content?.['application/json']?.schema, `${label}: response ${status} documented`);
          if (method === 'post' && !path.endsWith('/void'))
            assert.ok(op.requestBody?.content?.['application/json']?.schema, `${label}: request body`);
          if (path.includes('{')) {
            const params = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
            assert.deepEqual(params.sort(), [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort(), `${label}: path parameters`);
          }
        }
      }
    }
  });

  it('every admin operation has a summary, a documented success and its errors in the admin shape', () => {
    const errorShape = (schema: any) =>
      schema?.type === 'object' && ['error', 'message'].every((k) => schema.properties?.[k]?.type === 'string');
    for (const [path, item] of Object.entries((docs.admin as OpenApiDocument).paths)) {
      for (const [method, op] of Object.entries(item)) {
        const label = `admin ${method.toUpperCase()} ${path}`;
        assert.ok(typeof op.summary === 'string' && op.summary.length > 0 && op.summary.length <= 80, `${label}: a short summary`);
        const successes = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
        assert.equal(successes.length, 1, `${label}: one success status`);
        const success = op.responses[successes[0]!];
        if (successes[0] === '204') assert.equal(success.content, undefined, `${label}: 204 has no body`);
        else assert.equal(success.content?.['application/json']?.schema?.type, 'object', `${label}: a JSON object answer`);
        for (const status of ['400', '401', '403'])
          assert.ok(errorShape(op.responses[status]?.content?.['application/json']?.schema), `${label}: ${status} as {error, message}`);
      }
    }
  });

  it('only the Pine Labs token call needs no credentials', () => {
    const open = Object.entries(docs).flatMap(([name, doc]) =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
          .map(([method]) => `${name} ${method.toUpperCase()} ${path}`),
      ),
    );
    assert.deepEqual(
      open.filter((op) => !op.startsWith('admin ')),
      ['pinelabs POST /api/auth/v1/token'],
    );
  });

  it('documents the Juspay bodies as JSON or form fields', () => {
    const content = (docs.juspay as OpenApiDocument).paths['/orders']?.post?.requestBody?.content ?? {};
    assert.deepEqual(Object.keys(content).sort(), ['application/json', 'application/x-www-form-urlencoded']);
    assert.deepEqual(content['application/json'].schema.required, ['order_id', 'amount']);
  });

  it('is served as JSON that does not sniff', async () => {
    const response = await fetch(`${server.baseUrl}/openapi/pinelabs.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${server.baseUrl}/openapi/nothing.json`)).status, 404);
  });
});
