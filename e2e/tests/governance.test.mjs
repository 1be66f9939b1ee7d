// Information governance in real Chromium: an administrator adds an
// officer, who sets up an authenticator, finds a chat in the past-chats
// list, flags it, places a legal hold and downloads the disclosure
// package, which is read in the browser as the recipient would. Every
// state is checked with axe; screenshots go to $E2E_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDemo, launch, watchConsole, axe, totp, firstSignIn } from './helpers.mjs';

let demo;
let browser;

const shot = async (page, name) => {
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/${name}.png`, fullPage: true });
};
const LOCAL_TIME = /\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d/;

before(async () => {
  demo = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Sets up the authenticator the signed-in member is asked for. */
async function enrol(page) {
  await page.waitForURL('**/account/second-factor');
  const secret = (await page.textContent('code.secret')).trim();
  await page.fill('#code', totp(secret));
  await page.click('button[type=submit]');
  await page.locator('text=Your recovery codes').waitFor();
}

test('an officer flags a chat, holds it and discloses it, with no dead end', async () => {
  const admin = await (await browser.newContext()).newPage();
  await firstSignIn(admin, demo, 'demo-admin', 'administrator long passphrase');
  await enrol(admin);
  await admin.goto(`${demo.base}/admin/staff`);
  await admin.fill('#new-username', 'e2e-officer');
  await admin.fill('#new-name', 'Ailsa Officer');
  await admin.selectOption('#new-role', 'governance');
  await admin.click('form[action="/admin/staff"] button[type=submit]');
  const oneTime = (await admin.locator('.notice code.secret').textContent()).trim();

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await firstSignIn(page, { ...demo, logins: { 'e2e-officer': oneTime } }, 'e2e-officer', 'officer long passphrase here');
  await enrol(page);

  // The policy by its name, not its file.
  await page.goto(`${demo.base}/console/governance`);
  const home = await page.textContent('main');
  assert.ok(!home.includes('preset:'), 'no preset: name on the governance page');
  assert.deepEqual(await axe(page), [], 'governance home');

  // A chat from the past-chats list opens on its governance page.
  await page.goto(`${demo.base}/console/history`);
  await page.locator('table.history tbody tr').first().locator('a').click();
  await page.waitForURL('**/console/governance/chats/TB-*');
  const chatId = page.url().split('/').pop();
  // Unflagged: the officer is offered the flag, not a hold refused later.
  assert.equal(await page.getByRole('button', { name: 'Flag this chat' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Place legal hold' }).count(), 0);
  assert.match(await page.locator('dl.record').textContent(), LOCAL_TIME);
  assert.deepEqual(await axe(page), [], 'an unflagged chat');
  await page.selectOption('#flag-reason', 'possible_offence');
  await page.getByRole('button', { name: 'Flag this chat' }).click();
  await page.locator('.notice', { hasText: 'Flagged' }).waitFor();
  await page.fill('#hold-reason', 'Police enquiry 2026/118');
  await page.getByRole('button', { name: 'Place legal hold' }).click();
  const held = page.locator('p', { hasText: 'Under legal hold since' });
  await held.waitFor();
  assert.match(await held.textContent(), LOCAL_TIME);
  assert.deepEqual(await axe(page), [], 'a held chat');
  await shot(page, 'governance-chat-held');

  // The list finds it as flagged and held.
  await page.goto(`${demo.base}/console/history?flagged=yes&held=yes`);
  const rows = page.locator('table.history tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), new RegExp(`${chatId}[\\s\\S]*Flagged[\\s\\S]*Held`));

  // The disclosure package, downloaded and read as its recipient would.
  await page.goto(`${demo.base}/console/governance/chats/${chatId}`);
  await page.fill('#recipient', 'Police Scotland');
  await page.fill('#basis', 'UK GDPR Art. 6(1)(f)');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download disclosure package' }).click(),
  ]);
  const html = readFileSync(await download.path(), 'utf8');
  const reader = await (await browser.newContext()).newPage();
  await reader.setContent(html);
  assert.match(await reader.textContent('h1'), new RegExp(`Disclosure of chat ${chatId}`));
  assert.ok(await reader.locator('ol.transcript li.operator').count() >= 1, 'speakers as their own blocks');
  assert.match(await reader.locator('ol.transcript time').first().getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(await axe(reader), [], 'the disclosure package');
  await shot(reader, 'disclosure-package');
  assert.deepEqual(errors, []);
});
