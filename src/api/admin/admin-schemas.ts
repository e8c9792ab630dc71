import { Type } from '@sinclair/typebox';

/** Bodies shared by the operators and tokens routes (docs/admin-api.md). */
export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('support'), Type.Literal('admin')]);

/** null: every merchant; otherwise one to a hundred distinct merchant ids. */
export const MerchantIdsSchema = Type.Union([
  Type.Null(),
  Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
]);
