import { loadConfig, parseDuration } from '../config.js';
import { checkWebhookUrl } from './webhook-url.js';
import { systemClock } from '../domain/clock.js';
import { openKeys } from '../core/keys/open-keys.js';
import { createMerchant } from '../core/merchants.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';

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
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const { ring } = await openKeys(db, config, systemClock.now(), (message) => {
      console.error(message);
    });
    const credentials = await createMerchant(
      { db, clock: systemClock, keys: ring },
      {
        name: options.name,
        webhookUrl: options.webhookUrl ?? null,
        connector: options.connector ?? config.defaultConnector,
        captureWindowSeconds: captureWindowMs === undefined ? null : Math.round(captureWindowMs / 1000),
      },
    );
    if (options.json) {
      console.log(JSON.stringify(credentials));
    } else {
      console.log(`Merchant "${options.name}" created. These secrets are shown once:`);
      for (const [key, value] of Object.entries(credentials)) console.log(`  ${key.padEnd(24)} ${value}`);
    }
  } finally {
    await db.close();
  }
}
