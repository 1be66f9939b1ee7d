// The staff console in a real browser: the demo's printed credentials sign
// in, the keyboard alone is enough, and no page breaks its own CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, watchConsole, totp, firstSignIn } from './helpers.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the operator signs in with the keyboard and must choose a password', async () => {
  const page = await browser.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/login`);
  assert.equal(await page.title(), 'Sign in – Tolbooth Demo Council');
  // The skip link comes first; the username field has the focus.
  assert.equal(await page.evaluate(() => document.querySelector('a, button, input, select').className), 'skip-link');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await page.keyboard.type('demo-operator');
  await page.keyboard.press('Tab');
  await page.keyboard.type(demo.logins['demo-operator']);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/account/password');
  await page.fill('#current', demo.logins['demo-operator']);
  await page.fill('#new', 'operator chooses a long passphrase');
  await page.fill('#confirm', 'operator chooses a long passphrase');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/console');
  assert.match(await page.textContent('h1'), /Hello, Demo Operator/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong password shows an error summary announced to screen readers', async () => {
  const page = await browser.newPage();
  await page.goto(`${demo.base}/login`);
  await page.fill('#username', 'demo-operator');
  await page.fill('#password', 'definitely not it');
  await page.click('button[type=submit]');
  const alert = page.locator('[role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Sign-in failed/);
  await page.close();
});

test('the administrator must set up an authenticator, then manages staff', async () => {
  const page = await browser.newPage();
  const errors = watchConsole(page);
  await firstSignIn(page, demo, 'demo-admin', 'administrator long passphrase');
  await page.waitForURL('**/account/second-factor');
  assert.equal(await page.locator('figure.qr svg').count(), 1);
  const secret = (await page.textContent('code.secret')).trim();
  await page.fill('#code', totp(secret));
  await page.click('button[type=submit]');
  await page.locator('text=Your recovery codes').waitFor();
  assert.equal(await page.locator('ul.codes li').count(), 10);
  await page.goto(`${demo.base}/admin/staff`);
  // The demo's administrator, operator and supervisor.
  const rows = await page.locator('tbody tr').count();
  assert.equal(rows, 3);
  await page.fill('#new-username', 'e2e-operator');
  await page.fill('#new-name', 'Ealasaid <script>alert(1)</script>');
  await page.click('form[action="/admin/staff"] button[type=submit]');
  await page.locator('.notice').waitFor();
  assert.match(await page.textContent('.notice'), /has been added/);
  assert.equal(await page.locator('tbody tr').count(), 4);
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/staff.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
