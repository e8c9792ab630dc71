import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { DatabaseInUseError } from '../store/open-database.js';
import { acquirerCommand } from './acquirer.js';
import { adminCommand } from './admin-token.js';
import { operatorCommand } from './operator.js';
import { runMerchantCreate } from './merchant-create.js';
import { merchantRedirectKeys } from './merchant-redirect-keys.js';
import { merchantSetEnabled } from './merchant-enable.js';
import { keysCommand } from './keys.js';
import { gatewayCommand, GATEWAY_USAGE } from './gateway.js';
import { MasterKeyError } from '../core/keys/master-key.js';
import { merchantSetWebhook } from './merchant-webhook.js';
import { reviewCommand } from './review.js';
import { routingCommand } from './routing.js';
import { webhooksCommand } from './webhooks.js';
import { runWorker } from './worker.js';
import { runMigrate } from './migrate.js';
import { runStart } from './start.js';

const USAGE = `Usage: holdfast <command> [options]

Commands:
  start [--workers N]                     API server and background jobs (what npm start runs); N processes on PostgreSQL
  migrate                                 apply SQL migrations and exit
  worker                                  background jobs only (status sync, auto-void, webhooks), no HTTP
  merchant create --name NAME [--webhook-url URL] [--connector sandbox|http-acquirer] [--capture-window 2d] [--json]
                                          create a merchant and print its credentials once
  merchant set-webhook --merchant ID (--url URL | --none) [--basic-auth USER:PASS]
                                          change where a merchant's webhooks go
  merchant redirect-keys --merchant ID [--json]
                                          issue new keys that sign the browser's return to the merchant, print them once
  merchant disable --merchant ID          refuse the merchant's tokens, API key and credentials (401) from now on
  merchant enable --merchant ID           accept them again
${GATEWAY_USAGE}
  keys rotate [--json]                    new token-signing and encryption keys; secrets re-sealed, issued tokens stay valid
  keys list [--json]                      the data keys (ids, purposes, dates; never a secret)
  webhooks list [--merchant ID] [--order ID] [--limit N] [--json]
  webhooks replay EVENT_ID                deliver an event again, under the same id
  review list [--json]                    orders whose outcome stayed unknown after the last status inquiry
  routing set --merchant ID --file RULES.json
                                          check a merchant's routing rules (docs/routing.md) and store them; every problem named, nothing stored on one
  routing show --merchant ID [--json]     the merchant's stored routing rules
  routing clear --merchant ID             remove them: its authorizations go to its own connector again
  routing explain --merchant ID --network VISA --bin 411111 --amount 10000 --currency INR [--pre-auth] [--json]
                                          which gateway accounts such an authorization would go to, and why
  admin token create --name N --role admin|support|viewer [--merchant ID ...] [--json]
                                          a token for the admin API (Authorization: Bearer …), printed once
  operator create --email E --role admin|support|viewer [--merchant ID ...] [--json]
                                          a dashboard operator; its one-time password is printed once
  acquirer [--port N] [options]           acquirer simulator with injected faults (acquirer --help)

Configuration is read from the environment (see README): PORT, HOST, DATABASE_URL,
HOLDFAST_DATA_DIR, HOLDFAST_DB_POOL, HOLDFAST_TLS_CERT, HOLDFAST_TLS_KEY, HOLDFAST_PUBLIC_URL,
HOLDFAST_CAPTURE_WINDOW, HOLDFAST_CHALLENGE_TTL, HOLDFAST_WEBHOOK_RETRY_SCHEDULE, HOLDFAST_WEBHOOK_ATTEMPT_RETENTION,
HOLDFAST_REQUEST_REPLY_RETENTION, HOLDFAST_JOB_RUN_RETENTION, HOLDFAST_API_CALL_RETENTION, HOLDFAST_SYNC_ATTEMPTS, HOLDFAST_SYNC_DELAY, HOLDFAST_CONNECTOR, HOLDFAST_ACQUIRER_URL,
HOLDFAST_ACQUIRER_TIMEOUT, HOLDFAST_UPSTREAM_TIMEOUT, HOLDFAST_ORDER_TTL, HOLDFAST_MASTER_KEY, HOLDFAST_MASTER_KEY_FILE,
HOLDFAST_DB_CONNECT_TIMEOUT, HOLDFAST_DB_STATEMENT_TIMEOUT, HOLDFAST_DB_QUERY_TIMEOUT, HOLDFAST_DB_PREPARED,
HOLDFAST_READY_TIMEOUT, HOLDFAST_ADMIN_SESSION_IDLE, HOLDFAST_ADMIN_SESSION_MAX, LOG_LEVEL; the CLI's changes
through a running server's admin API: HOLDFAST_ADMIN_URL, HOLDFAST_ADMIN_TOKEN; limits (docs/rate-limits.md):
HOLDFAST_RATE_LIMIT_WINDOW, HOLDFAST_RATE_LIMIT_AUTH_FAILURES, HOLDFAST_RATE_LIMIT_AUTH_FAILURES_PER_IP,
HOLDFAST_RATE_LIMIT_HOSTED, HOLDFAST_RATE_LIMIT_MERCHANT, HOLDFAST_REDIS_URL, HOLDFAST_REDIS_PREFIX,
HOLDFAST_CARD_TESTING_WINDOW, HOLDFAST_CARD_TESTING_CARD_DECLINES, HOLDFAST_CARD_TESTING_MERCHANT_DECLINES.`;

/** Thin shell over the library: parse arguments, call one function, print, exit with a clear message on error. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start': {
        await runStart(rest);
        return;
      }
      case 'migrate': {
        await runMigrate();
        return;
      }
      case 'merchant': {
        const [sub, ...options] = rest;
        if (sub === 'set-webhook') {
          await merchantSetWebhook(options);
          return;
        }
        if (sub === 'redirect-keys') {
          await merchantRedirectKeys(options);
          return;
        }
        if (sub === 'disable' || sub === 'enable') {
          await merchantSetEnabled(options, sub === 'enable');
          return;
        }
        if (sub !== 'create') {
          fail(`Unknown merchant command "${sub ?? ''}".\n\n${USAGE}`);
          return;
        }
        const { values } = parseArgs({
          args: options,
          options: {
            name: { type: 'string' },
            'webhook-url': { type: 'string' },
            connector: { type: 'string' },
            'capture-window': { type: 'string' },
            json: { type: 'boolean', default: false },
          },
          strict: true,
        });
        if (!values.name) {
          fail('merchant create needs --name NAME');
          return;
        }
        await runMerchantCreate({
          name: values.name,
          webhookUrl: values['webhook-url'],
          connector: values.connector,
          captureWindow: values['capture-window'],
          json: values.json,
        });
        return;
      }
      case 'gateway': {
        await gatewayCommand(rest);
        return;
      }
      case 'keys': {
        await keysCommand(rest);
        return;
      }
      case 'worker': {
        await runWorker();
        return;
      }
      case 'webhooks': {
        await webhooksCommand(rest);
        return;
      }
      case 'review': {
        await reviewCommand(rest);
        return;
      }
      case 'routing': {
        await routingCommand(rest);
        return;
      }
      case 'admin': {
        await adminCommand(rest);
        return;
      }
      case 'operator': {
        await operatorCommand(rest);
        return;
      }
      case 'acquirer': {
        await acquirerCommand(rest);
        return;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return;
      default: {
        fail(`Unknown command "${command}".\n\n${USAGE}`);
        return;
      }
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseInUseError || error instanceof MasterKeyError) {
      fail(error.message);
      return;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      fail(error.message);
      return;
    }
    fail(`holdfast ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}
