import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { lookUpCard } from '../../core/card-details.js';
import { HoldfastError } from '../../domain/errors.js';
import { isSupportedCurrency } from '../../domain/money.js';
import { merchantOf } from './request-context.js';

const REFERENCE_TYPES = ['CARD', 'ALT_TOKEN_TXN', 'NETWORK_TOKEN_TXN', 'ISSUER_TOKEN_TXN'];

const CardDetailsBody = Type.Object({
  // "Transaction amount in smallest currency unit", as a string; it changes nothing in the sandbox's answer.
  amount: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  card_details: Type.Array(
    Type.Object({
      // The same lengths and separators as a payment's card_number.
      payment_identifier: Type.String({ minLength: 12, maxLength: 23, pattern: '^[0-9 -]+$' }),
      payment_reference_type: Type.String({ enum: REFERENCE_TYPES }),
    }),
    { minItems: 1, maxItems: 10 },
  ),
});

/**
 * Pine Labs' `POST /api/pay/v1/getCardDetails`: a BIN lookup before paying, which tells a merchant
 * using native OTP whether the card's OTP can be collected in its own page
 * (`is_native_otp_supported`: the sandbox's 3-D Secure card). The card number is read in memory
 * only; the logger redacts `payment_identifier` (src/logger.ts).
 */
export async function pineLabsCardDetailsRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/pay/v1/getCardDetails', { schema: { body: CardDetailsBody } }, async (request) => {
    merchantOf(request);
    const cards = request.body.card_details.map((card, i) => {
      const field = `card_details.${i}.payment_identifier`;
      if (card.payment_reference_type !== 'CARD') {
        throw new HoldfastError(
          'payment_method_not_supported',
          `card_details.${i}.payment_reference_type ${card.payment_reference_type} is not supported: Holdfast looks up CARD numbers only`,
          {
            field: `card_details.${i}.payment_reference_type`,
          },
        );
      }
      return lookUpCard(card.payment_identifier, field);
    });
    return {
      card_payment_details: cards.map((card) => ({
        card_network: card.network,
        card_issuer: card.issuer,
        card_type: card.type,
        // Pine Labs' documented sample answers NONE for an ordinary consumer card.
        card_category: 'NONE',
        is_international_card: card.international,
        is_native_otp_supported: card.nativeOtp,
        country_code: card.countryCode,
        currency: card.currency,
        is_currency_supported: isSupportedCurrency(card.currency),
      })),
    };
  });
}
