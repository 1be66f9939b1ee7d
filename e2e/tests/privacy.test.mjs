// The published privacy notice in a real browser: reachable from the
// organisation's page, generated from the running policy (the demo runs
// with its fictional council's policy, `preset:demo-council`), versioned, and
// accessible (axe-core, WCAG 2.2 AA) with nothing broken by the CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, watchConsole, axe } from './helpers.mjs';


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

test('a visitor finds the privacy notice and every version of it', async () => {
  const page = await browser.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/demo`);
  await page.getByRole('link', { name: 'Privacy notice' }).click();
  await page.waitForURL('**/privacy');
  assert.equal(await page.textContent('h1'), 'Privacy notice: Online enquiries');
  const headings = await page.locator('main h2').allTextContents();
  for (const h of ['Why we use your information', 'What we hold and where it comes from', 'Who we share it with',
    'How long we keep it', 'Your rights', 'Contact us', 'Complaints', 'Changes to this notice']) {
    assert.ok(headings.includes(h), `the notice has a section "${h}": ${headings}`);
  }
  const text = await page.textContent('main');
  assert.match(text, /Version 1, in force from/);
  assert.match(text, /kept for no more than 7 days after the chat ends/);
  assert.match(text, /IP addresses are never kept in our records of enquiries/);
  // The demo's own fictional council, its chatbot as well as its live chat.
  assert.match(text, /Tolbooth Demo Council/);
  assert.match(text, /The questions you ask the chatbot: kept for no more than 12 months/);
  assert.doesNotMatch(text, /Scottish Parliament|Parliamentary Corporate Body|0131 348/);
  assert.doesNotMatch(text, /It comes from recorded|from you and someone/);
  assert.deepEqual(await axe(page), [], 'the notice passes axe');
  await page.getByRole('link', { name: 'Earlier versions of this notice' }).click();
  await page.waitForURL('**/privacy/versions');
  assert.deepEqual(await axe(page), [], 'the versions page passes axe');
  await page.getByRole('link', { name: 'Version 1' }).click();
  await page.waitForURL('**/privacy/v/1');
  assert.equal(await page.textContent('h1'), 'Privacy notice: Online enquiries');
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/privacy-notice.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
