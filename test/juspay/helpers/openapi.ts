import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Validators built from Juspay's own OpenAPI 3.0 document (fixtures/juspay-openapi.json: a copy
 * of the document Juspay ships as `juspay-payments.json` in juspay/hyperswitch-saleor-payment-app).
 * Ajv 8 understands OpenAPI's `nullable`.
 *
 * The document is used through a copy with these changes, each forced by the document itself or
 * by a conflict with Juspay's own request and response samples; nothing else is relaxed:
 *
 * 1. `status_id`: the OpenAPI types it as a string, while Juspay's order-status and transaction
 *    samples (`"status_id": 21`) send a JSON number, and clients accept both. Holdfast sends a
 *    number; the copy accepts a number or a string, and the tests assert separately that it is a
 *    number.
 * 2. `{"$ref": X, "nullable": true}` becomes `{"anyOf": [{"$ref": X}, {"type": "null"}]}`: Ajv
 *    refuses `nullable` without `type`, and this is what the document means.
 * 3. `OrderCard` and `PaymentLinks` are bare property maps (no `type`/`properties`): wrapped as
 *    `{"type": "object", "properties": …}`. `OrderCard.tokens.items` is the string "string"
 *    (not a schema): read as `{"type": "string"}`.
 * 4. Formats: `float` is accepted as any number; `date-time` is checked against ISO-8601.
 *
 * The capture and void response schemas (`PreAuthCaptureTxnResponse`, `PreAuthVoidTxnResponse`) are
 * `oneOf` lists whose branches are objects with only optional properties, so every object —
 * even `{}` — matches two or more branches and fails `oneOf`: no response can satisfy them as
 * written (a test shows it). They are checked with `oneOf` read as `anyOf`, and the bodies are
 * also checked against the order-status schema, since Juspay's capture/void samples
 * return the order object.
 */
export const OPENAPI_FILE = new URL('../fixtures/juspay-openapi.json', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function loadDocument(): any {
  return JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
}

function transform(node: Json, oneOfAsAnyOf: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => transform(n, oneOfAsAnyOf));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string' && node.nullable === true) return { anyOf: [{ $ref: node.$ref }, { type: 'null' }] };
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    out[oneOfAsAnyOf && key === 'oneOf' ? 'anyOf' : key] = transform(value, oneOfAsAnyOf);
  }
  return out;
}

/** The document copy described above. */
export function patchedDocument(options: { oneOfAsAnyOf: boolean }): any {
  const doc = transform(loadDocument(), options.oneOfAsAnyOf) as any;
  const schemas = doc.components.schemas;
  // (1) status_id: a number (Holdfast, Juspay's samples) or a string (the OpenAPI).
  for (const name of ['OrderStatusResponseV1', 'OrdersResponse']) schemas[name].properties.status_id = { type: ['number', 'string'] };
  // (3) bare property maps
  const card = { ...schemas.OrderCard, tokens: { type: 'array', items: { type: 'string' }, nullable: true } };
  schemas.OrderCard = { type: 'object', properties: card };
  schemas.PaymentLinks = { type: 'object', properties: schemas.PaymentLinks };
  return doc;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function ajvFor(doc: unknown, id: string): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('date-time', ISO_8601);
  ajv.addSchema(doc as object, id);
  return ajv;
}

export class JuspaySchemas {
  private readonly ajv = ajvFor(patchedDocument({ oneOfAsAnyOf: true }), 'juspay');
  private readonly strictAjv = ajvFor(patchedDocument({ oneOfAsAnyOf: false }), 'juspay');
  readonly enums: { orderStatus: string[]; txnStatus: string[]; refundStatus: string[] };

  constructor() {
    const schemas = loadDocument().components.schemas;
    this.enums = { orderStatus: schemas.OrderStatus.enum, txnStatus: schemas.TxnStatus.enum, refundStatus: schemas.RefundStatus.enum };
  }

  /** A validator for `#/components/schemas/<name>` (`strictOneOf`: the document's `oneOf` as written). */
  validator(name: string, options: { strictOneOf?: boolean } = {}): ValidateFunction {
    const ajv = options.strictOneOf ? this.strictAjv : this.ajv;
    const validate = ajv.getSchema(`juspay#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  }

  /** The errors of `value` against schema `name`, as readable lines ([] when valid). */
  errors(name: string, value: unknown, options: { strictOneOf?: boolean } = {}): string[] {
    const validate = this.validator(name, options);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${name}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
