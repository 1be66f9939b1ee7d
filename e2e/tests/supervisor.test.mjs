// The supervisor's side in real Chromium: the dashboard the demo's history
// fills, drawn as SVG charts with tables beside them, and the past-chats
// list with its filters and Chat ID search. Both are checked with axe at a
// desktop and a phone size, and screenshots go to $E2E_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, watchConsole, axe, firstSignIn } from './helpers.mjs';

let demo;
let browser;
let context;
const PASSPHRASE = 'supervisor chooses a long passphrase';
const SIZES = [[1280, 800], [390, 844]];

const shot = async (page, name) => {
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/${name}.png`, fullPage: true });
};

before(async () => {
  demo = await startDemo();
  browser = await launch();
  context = await browser.newContext();
  const page = await context.newPage();
  await firstSignIn(page, demo, 'demo-supervisor', PASSPHRASE);
  await page.waitForURL('**/console');
  await page.close();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Nothing on the page is wider than the screen. */
async function noSidewaysScrolling(page, width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (${overflow} px too wide)`);
}

/** The cells of the summary row `label` in the table after heading `heading`. */
async function summary(page, heading, label) {
  const table = page.locator(`section:has(h2:text-is("${heading}")) table.summary-table`);
  return table.locator(`tr:has(th:text-is("${label}")) td`).allTextContents();
}

test('the dashboard shows the demo history as charts with tables', async () => {
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/console`);
  await page.getByRole('link', { name: 'Dashboard' }).first().click();
  await page.waitForURL('**/console/dashboard');
  // The demo answered three chats and turned one down; its chatbot was
  // asked eight questions, one handed over to a person.
  assert.deepEqual(await summary(page, 'Live chat', 'Answered'), ['3', '3']);
  assert.deepEqual(await summary(page, 'Live chat', 'Rejected'), ['1', '1']);
  assert.deepEqual(await summary(page, 'Chatbot', 'Questions'), ['8', '8']);
  assert.deepEqual(await summary(page, 'Chatbot', 'Handed over to a person'), ['1', '1']);
  const helpful = await summary(page, 'Chatbot', 'Rated helpful (of rated answers)');
  assert.match(helpful[1], /^\d+%$/);
  // Three charts, each a labelled picture with its table beside it.
  assert.equal(await page.locator('svg.chart[role=img]').count(), 3);
  const bars = await page.locator('svg.chart rect.answered').count();
  assert.ok(bars >= 2, `answered bars drawn (${bars})`);
  assert.match(await page.locator('section:has(h2#per-operator) table').textContent(), /Demo Operator\s*3/);
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    assert.deepEqual(await axe(page), [], `axe at ${width}×${height}`);
    await shot(page, `dashboard-${width}x${height}`);
    await noSidewaysScrolling(page, width);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('past chats are listed, filtered and found by Chat ID', async () => {
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${demo.base}/console`);
  await page.getByRole('link', { name: 'Past chats' }).first().click();
  await page.waitForURL('**/console/history');
  const rows = page.locator('table.history tbody tr');
  assert.equal(await rows.count(), 3, 'the three answered demo chats; the rejected one is not held');
  assert.match(await rows.first().textContent(), /Ended\s*Demo Operator/);
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    assert.deepEqual(await axe(page), [], `axe at ${width}×${height}`);
    await shot(page, `past-chats-${width}x${height}`);
    await noSidewaysScrolling(page, width);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // A Chat ID as people type it finds just that chat.
  const chatId = (await rows.nth(1).locator('td').first().textContent()).trim();
  await page.fill('#f-chat', chatId.toLowerCase().replaceAll('-', ' '));
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL('**/console/history?**');
  assert.equal(await rows.count(), 1);
  assert.equal((await rows.first().locator('td').first().textContent()).trim(), chatId);

  // Filters combine; none matching says so.
  await page.goto(`${demo.base}/console/history`);
  await page.selectOption('#f-flagged', 'yes');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#results[role=status]', { hasText: 'No chats held match these filters.' }).waitFor();
  assert.equal(await page.locator('#f-flagged').inputValue(), 'yes', 'the filter stays chosen');

  // What cannot be read is named and linked to its field.
  await page.fill('#f-chat', 'TB-12');
  await page.selectOption('#f-flagged', '');
  await page.getByRole('button', { name: 'Search' }).click();
  const problem = page.locator('.error-summary[role=alert]');
  await problem.waitFor();
  assert.match(await problem.textContent(), /Enter a Chat ID as it was given/);
  assert.equal(await page.locator('#f-chat').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axe(page), [], 'axe with an error');
  await shot(page, 'past-chats-error');
  // The page answered 400, as a refused form does; the browser logs that.
  const refused = errors.splice(0).filter((e) => !/status of 400/.test(e));
  assert.deepEqual(refused, []);

  // A row opens the transcript, styled, with its speakers.
  await page.goto(`${demo.base}/console/history`);
  await rows.first().locator('a').click();
  await page.waitForURL('**/console/chats/TB-*');
  assert.ok(await page.locator('.transcript .from-operator').count() >= 1);
  assert.deepEqual(errors, []);
  await page.close();
});
