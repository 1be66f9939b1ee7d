// The chatbot in the widget, in real Chromium (BOT-1..BOT-5): the visitor
// is told not to enter personal details, asks, gets an answer citing its
// page, says whether it helped, and is never given a decision on their own
// case. (The staff report is tested over HTTP in Rust.) The demo runs here with the council chatbot preset, which keeps questions
// for twelve months, so that feedback and the report have something to
// show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, watchConsole, axe } from './helpers.mjs';


let demo;
let browser;

before(async () => {
  demo = await startDemo({ TOLBOOTH_RETENTION__POLICY: 'preset:council-chatbot' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('a visitor asks the chatbot, gets a cited answer, gives feedback and no decision', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/demo`);
  await page.getByRole('button', { name: 'Live chat' }).click();
  await page.locator('#tolbooth-chat #tb-ask:focus').waitFor();
  const notice = await page.locator('#tolbooth-chat #tb-bot-privacy').textContent();
  assert.match(notice, /do not enter personal details/);
  // No one is on duty: the way to a person says so, and the bot stays.
  await page.locator('#tolbooth-chat .bot-box .notice', { hasText: 'No one is available' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Talk to a person' }).isHidden(), true);

  await page.keyboard.type('what time does the library open on sunday');
  await page.keyboard.press('Enter');
  const answer = page.locator('#tolbooth-chat ol.log li.bot').first();
  await answer.waitFor();
  const link = answer.getByRole('link', { name: 'Library opening times' });
  assert.equal(await link.getAttribute('href'), 'https://www.kelderby.example/libraries/opening-times');
  assert.match(await answer.textContent(), /Sunday 11am to 3pm/);
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget with an answer');
  await answer.getByRole('button', { name: 'Yes' }).click();
  await answer.getByText('Thank you for your feedback.').waitFor();

  // A question about the visitor's own case: information, never a decision.
  await page.locator('#tolbooth-chat #tb-ask').fill('has my blue badge application been approved? my number is 07700 900123');
  await page.keyboard.press('Enter');
  const declined = page.locator('#tolbooth-chat ol.log li.bot').nth(1);
  await declined.waitFor();
  assert.match(await declined.textContent(), /I can only give general information/);
  await declined.getByRole('link', { name: 'Blue badge' }).waitFor();
  assert.equal(await declined.getByRole('button', { name: 'Yes' }).count(), 0, 'no feedback on a refusal');
  assert.deepEqual(errors, []);
  await context.close();
});
