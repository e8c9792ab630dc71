import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths whose values never reach a log line: card data, credentials and tokens, wherever they
 * appear in a logged request body or header set.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  '*.card_number',
  '*.cvv',
  '*.card_security_code',
  '*.client_secret',
  '*.api_key',
  '*.access_token',
  '*.webhook_secret',
  '*.*.card_number',
  '*.*.cvv',
  'payments[*].payment_option.card_details.card_number',
  'payments[*].payment_option.card_details.cvv',
  'body.payments[*].payment_option.card_details.card_number',
  'body.payments[*].payment_option.card_details.cvv',
  // Pine Labs' getCardDetails carries the card number as payment_identifier.
  'card_details[*].payment_identifier',
  'body.card_details[*].payment_identifier',
  '*.card_details[*].payment_identifier',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } };
  return destination ? pino(options, destination) : pino(options);
}
