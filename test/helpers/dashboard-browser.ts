import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { CLI_ACTOR } from '../../src/core/admin/audit.js';
import { createOperator } from '../../src/core/admin/operators.js';
import type { OperatorRole } from '../../src/domain/operator-roles.js';
import type { TestServer } from './test-server.js';

/** axe-core on the page as it is now (an open dialog included): nothing serious or critical. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `${name}: accessibility violations`,
  );
}

/**
 * A new operator of `role` signs in through the dashboard with the one-time password it was given,
 * chooses a new one as the dashboard demands, and lands on the home page.
 */
export async function signInNewOperator(
  server: TestServer,
  page: Page,
  role: OperatorRole,
  email: string,
): Promise<{ email: string; password: string }> {
  const created = await createOperator(server.app.ctx, { email, role, merchantIds: null }, CLI_ACTOR);
  assert.ok(created.ok);
  const password = 'a long and chosen passphrase';
  await page.goto(`${server.baseUrl}/dashboard/`);
  await page.getByLabel('E-mail').fill(created.operator.email);
  await page.getByLabel('Password').fill(created.oneTimePassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('One-time password').fill(created.oneTimePassword);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return { email: created.operator.email, password };
}

/** Waits until a dashboard page has loaded what it shows, with no error on it. */
export async function pageLoaded(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await page.locator('[role=status]', { hasText: /Loading/ }).waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('alert').count(), 0, `${String(heading)}: no error shown`);
}
