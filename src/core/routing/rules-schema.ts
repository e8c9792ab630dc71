/**
 * The routing rules file (docs/routing.md "The rules file"): its shape as a TypeBox schema, the
 * source of both the static types and the validation that names each bad field.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CardNetwork } from '../../domain/card.js';

/** Every card network a rule may name (the networks Holdfast detects, src/domain/card.ts). */
export const CARD_NETWORKS = [
  'VISA',
  'MASTERCARD',
  'AMEX',
  'RUPAY',
  'MAESTRO',
  'DINERS',
  'DISCOVER',
  'UNKNOWN',
] as const satisfies readonly CardNetwork[];
// Fails to compile when a network is added to CardNetwork but not here.
export const EVERY_NETWORK_LISTED: [Exclude<CardNetwork, (typeof CARD_NETWORKS)[number]>] extends [never] ? true : never = true;

export const MAX_RULES = 100;
export const MAX_GATEWAYS = 20;
/** The longest success-rate window a merchant may set; the in-process record keeps this many outcomes. */
export const MAX_WINDOW = 1000;

export const DEFAULT_WINDOW = 200;
export const DEFAULT_MIN_SAMPLE = 20;
export const DEFAULT_EXPLORATION = 0.05;
export const DEFAULT_CIRCUIT_FAILURES = 5;
export const DEFAULT_COOLDOWN = '30s';

const object = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false });

/** An account of the merchant, by its name or its `gwa_…` id. */
const AccountReference = Type.String({ minLength: 1, maxLength: 200, description: 'a gateway account name or id' });

const WeightedGateway = object({
  account: AccountReference,
  weight: Type.Integer({ minimum: 0, maximum: 1000 }),
});

const GatewayEntry = Type.Union([AccountReference, WeightedGateway], {
  description: 'a gateway account name or id, or { "account": …, "weight": … }',
});

/** The accounts to try, in order; with weights, the first is drawn by weight (a volume split). */
export const GatewayList = Type.Array(GatewayEntry, { minItems: 1, maxItems: MAX_GATEWAYS });

const Network = Type.Union(
  CARD_NETWORKS.map((n) => Type.Literal(n)),
  { description: `one of ${CARD_NETWORKS.join(', ')}` },
);

const Match = object({
  network: Type.Optional(Type.Array(Network, { minItems: 1, maxItems: CARD_NETWORKS.length })),
  bin_prefix: Type.Optional(
    Type.Array(Type.String({ pattern: '^[0-9]{1,8}$', description: 'a BIN prefix of 1 to 8 digits' }), { minItems: 1, maxItems: 500 }),
  ),
  amount: Type.Optional(
    object({
      min: Type.Optional(Type.Integer({ minimum: 0 })),
      max: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
  currency: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-Z]{3}$', description: 'a currency code of three capital letters' }), {
      minItems: 1,
      maxItems: 50,
    }),
  ),
  pre_auth: Type.Optional(Type.Boolean()),
});

export const Rule = object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  match: Match,
  gateways: GatewayList,
});

export const SuccessRateSettings = object({
  enabled: Type.Boolean(),
  window: Type.Optional(Type.Integer({ minimum: 10, maximum: MAX_WINDOW })),
  min_sample: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WINDOW })),
  exploration: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});

export const CircuitSettings = object({
  failures: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cooldown: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'a duration such as 30s or 2m' })),
});

export const RoutingRulesSchema = object({
  rules: Type.Array(Rule, { maxItems: MAX_RULES }),
  default: GatewayList,
  success_rate: Type.Optional(SuccessRateSettings),
  circuit: Type.Optional(CircuitSettings),
});

export type RoutingRulesFile = Static<typeof RoutingRulesSchema>;
export type RuleSpec = Static<typeof Rule>;
export type GatewayListSpec = Static<typeof GatewayList>;
export type MatchSpec = Static<typeof Match>;
