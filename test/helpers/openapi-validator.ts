import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Checks answers against Holdfast's own served OpenAPI 3.1 documents (/openapi/<name>.json): the
 * operation of the request's method and path, the response of its status (exact, then 4XX-style,
 * then `default`), and the JSON body against that response's schema with Ajv's 2020-12 build.
 *
 * `closed` (the default) also refuses a property the document does not name on an object whose
 * properties it lists: the documents must describe every field sent, not merely allow them.
 */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components?: Record<string, any>;
  [key: string]: unknown;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every object schema that lists its properties refuses others (unless it says otherwise itself). */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'properties' ? mapValues(value, closeObjects) : closeObjects(value);
  if ('properties' in out && !('additionalProperties' in out) && !('patternProperties' in out)) out.additionalProperties = false;
  return out;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));
}

interface Template {
  path: string;
  pattern: RegExp;
  literalSegments: number;
}

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Template[];

  constructor(
    readonly document: OpenApiDocument,
    private readonly options: { closed?: boolean } = {},
  ) {
    this.ajv.addFormat('date-time', ISO_8601);
    this.templates = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}$`),
      literalSegments: path.split('/').filter((s) => s && !s.startsWith('{')).length,
    }));
  }

  /** The document's path template a concrete path belongs to (the most literal one when several match). */
  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0] ?? path;
    const matches = this.templates.filter((t) => t.pattern.test(bare)).sort((a, b) => b.literalSegments - a.literalSegments);
    return matches[0]?.path;
  }

  /** Whether the document has an operation for this request. */
  covers(method: string, path: string): boolean {
    const template = this.templateOf(path);
    return template !== undefined && this.document.paths[template]?.[method.toLowerCase()] !== undefined;
  }

  /** What is wrong with an answer, as readable lines ([] when it is what the document says). */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const label = `${method.toUpperCase()} ${path} → ${status}`;
    const template = this.templateOf(path);
    if (!template) return [`${label}: no path of the document matches`];
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) return [`${label}: ${template} has no ${method.toUpperCase()} operation`];
    const responses = operation.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
    if (!key) return [`${label}: status not documented for ${template}`];
    const response = responses[key];
    const schema = response.content?.['application/json']?.schema;
    if (!schema)
      return body === undefined || body === '' ? [] : [`${label}: the document gives response ${key} no body, got ${JSON.stringify(body)}`];
    const validate = this.validator(`${template} ${method} ${key}`, schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${label} (${template} ${key}): ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  /** Throws with the problems of an answer, if any. */
  check(method: string, path: string, status: number, body: unknown): void {
    const problems = this.problems(method, path, status, body);
    if (problems.length > 0)
      throw new Error(`response does not match the OpenAPI document:\n${problems.join('\n')}\nbody: ${JSON.stringify(body)}`);
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const root = this.options.closed === false ? schema : closeObjects(schema);
      // References (#/components/…) resolve against the document: it rides along in the compiled root.
      validate = this.ajv.compile({ ...(root as object), components: this.document.components ?? {} });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** The served document of `name` (pinelabs, juspay, admin) on a running server. */
export async function fetchDocument(baseUrl: string, name: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/openapi/${name}.json`);
  if (response.status !== 200) throw new Error(`/openapi/${name}.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

const byDocument = new Map<string, OpenApiValidator>();

/** A validator for a server's document, shared by every server serving the same document text. */
export async function validatorFor(baseUrl: string, name: string): Promise<OpenApiValidator> {
  const document = await fetchDocument(baseUrl, name);
  const key = JSON.stringify(document);
  let validator = byDocument.get(key);
  if (!validator) {
    validator = new OpenApiValidator(document);
    byDocument.set(key, validator);
  }
  return validator;
}

export { METHODS as OPENAPI_METHODS };

const byServer = new Map<string, Promise<OpenApiValidator | undefined>>();

/**
 * Throws when an answer the document covers (its path and method) is not what the document says.
 * The dialects' test clients call it on every answer, so every suite checks the documents too. A
 * server that cannot answer for its document (a test cutting its connections) is not checked, and is
 * asked again next time.
 */
export async function checkAgainstDocument(
  baseUrl: string,
  name: string,
  method: string,
  path: string,
  status: number,
  body: unknown,
): Promise<void> {
  const key = `${baseUrl} ${name}`;
  let pending = byServer.get(key);
  if (!pending) {
    pending = validatorFor(baseUrl, name).catch(() => {
      byServer.delete(key);
      return undefined;
    });
    byServer.set(key, pending);
  }
  const validator = await pending;
  if (validator?.covers(method, path)) validator.check(method, path, status, body);
}
