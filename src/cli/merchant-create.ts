import { loadConfig, parseDuration } from '../config.js';
import { checkWebhookUrl } from './webhook-url.js';
import { systemClock } from '../domain/clock.js';
import { cliActor } from '../core/admin/audit.js';
import { createMerchantAudited } from '../core/admin/merchant-admin.js';
import { openKeys } from '../core/keys/open-keys.js';
import type { MerchantCredentials } from '../core/merchants.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import { adminTarget, createMerchantRemote } from './admin-client.js';

/**
 * `holdfast merchant create`: the admin API's merchant creation (core/admin/merchant-admin.ts),
 * audited as the CLI; or, with HOLDFAST_ADMIN_URL and HOLDFAST_ADMIN_TOKEN set, that API itself on
 * the running server (admin-client.ts).
 */
export async function runMerchantCreate(options: {
  name: string;
  webhookUrl: string | undefined;
  connector: string | undefined;
  captureWindow: string | undefined;
  json: boolean;
}): Promise<void> {
  const captureWindowMs = options.captureWindow === undefined ? undefined : parseDuration(options.captureWindow);
  if (options.captureWindow !== undefined && (captureWindowMs === undefined || captureWindowMs < 1000)) {
    throw new Error(`--capture-window must be a duration of at least 1s such as 2d or 12h, got "${options.captureWindow}"`);
  }
  if (options.connector !== undefined && options.connector !== 'sandbox' && options.connector !== 'http-acquirer') {
    throw new Error(`--connector must be sandbox or http-acquirer, got "${options.connector}"`);
  }
  if (options.webhookUrl !== undefined) checkWebhookUrl(options.webhookUrl, '--webhook-url');
  const captureWindowSeconds = captureWindowMs === undefined ? null : Math.round(captureWindowMs / 1000);
  const remote = adminTarget();
  const credentials = remote
    ? (
        await createMerchantRemote(remote, {
          name: options.name,
          ...(options.webhookUrl !== undefined ? { webhook_url: options.webhookUrl } : {}),
          ...(options.connector !== undefined ? { connector: options.connector } : {}),
          ...(captureWindowSeconds !== null ? { capture_window_seconds: captureWindowSeconds } : {}),
        })
      ).credentials
    : await createLocally(options.name, options.webhookUrl, options.connector, captureWindowSeconds);
  if (options.json) {
    console.log(JSON.stringify(credentials));
  } else {
    console.log(`Merchant "${options.name}" created. These secrets are shown once:`);
    for (const [key, value] of Object.entries(credentials)) console.log(`  ${key.padEnd(24)} ${value}`);
  }
}

async function createLocally(
  name: string,
  webhookUrl: string | undefined,
  connector: string | undefined,
  captureWindowSeconds: number | null,
): Promise<MerchantCredentials> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const { ring } = await openKeys(db, config, systemClock.now(), (message) => {
      console.error(message);
    });
    const created = await createMerchantAudited(
      { db, clock: systemClock, keys: ring },
      { name, webhookUrl: webhookUrl ?? null, connector: connector ?? config.defaultConnector, captureWindowSeconds },
      { actor: cliActor() },
    );
    return created.credentials;
  } finally {
    await db.close();
  }
}
