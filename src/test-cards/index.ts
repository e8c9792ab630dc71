/**
 * The sandbox test cards (docs/test-cards.md), defined once: the table, the decisions, the decline
 * messages and the OTP. Pure, no I/O; the sandbox connector and the acquirer simulator both decide
 * through here.
 */
export { cardRule, isCardBehaviour, SANDBOX_OTP, TEST_CARDS, type CardBehaviour, type CardRule, type DeclineReason } from './table.js';
export { DECLINE_MESSAGES, OPERATION_DECLINES, type AuthorizationDeclineCode, type CardOperation } from './messages.js';
export {
  decideAuthentication,
  decideAuthorization,
  decideOperation,
  type AuthorizationDecision,
  type OperationDecision,
} from './decisions.js';
