// The chatbot in the widget, in real Chromium (BOT-1..BOT-5): the visitor
// is told not to enter personal details, asks, gets an answer citing its
// page, says whether it helped, and is never given a decision on their own
// case; nothing typed is cut silently. (The staff report is tested over
// HTTP in Rust.) The demo's policy keeps questions for twelve months, so
// that feedback and the report have something to show.
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

test('a visitor asks the chatbot, gets a cited answer, gives feedback and no decision', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/demo`);
  await page.getByRole('button', { name: 'Live chat' }).click();
  await page.locator('#tolbooth-chat #tb-ask:focus').waitFor();
  const notice = await page.locator('#tolbooth-chat #tb-bot-privacy').textContent();
  assert.match(notice, /does not need your personal details/);
  // The title says who answers.
  assert.equal(await page.locator('#tolbooth-chat #tb-title').textContent(), 'Ask Tolbooth Demo Council’s assistant');
  // No operator is available: the way to a person says so, and the bot stays.
  await page.locator('#tolbooth-chat .bot-box .notice', { hasText: 'No one is available' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Talk to a person' }).isHidden(), true);
  // Said once, and the empty status strip takes no room.
  const said = await page.locator('#tolbooth-chat').evaluate((host) => Array.from(host.shadowRoot.querySelectorAll('p'))
    .filter((p) => p.offsetParent !== null && p.textContent.includes('No one is available')).length);
  assert.equal(said, 1, '"No one is available" shown once');
  assert.equal((await page.locator('#tolbooth-chat .status').boundingBox()).height, 0);

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
  // Feedback is asked for on every answer, a refusal too.
  await declined.getByRole('button', { name: 'No' }).click();
  await declined.getByText('Thank you for your feedback.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('nothing typed for the chatbot is cut or lost without a word', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/demo`);
  await page.getByRole('button', { name: 'Live chat' }).click();
  const ask = page.locator('#tolbooth-chat #tb-ask');
  await ask.waitFor();
  const asked = () => page.locator('#tolbooth-chat ol.log li.visitor').count();

  // An empty question says what it needs.
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  assert.equal(await page.locator('#tolbooth-chat #tb-ask-error').textContent(), 'Please type a question for the assistant.');
  assert.equal(await ask.getAttribute('aria-invalid'), 'true');

  // Nearing the limit, the room left is shown, and told politely.
  const count = page.locator('#tolbooth-chat #tb-ask-count');
  assert.equal(await count.isHidden(), true, 'no counter far from the limit');
  await ask.fill('a'.repeat(900));
  assert.equal(await count.textContent(), 'You have 100 characters left.');
  await page.waitForFunction(() => Array.from(document.querySelector('#tolbooth-chat').shadowRoot.querySelectorAll('[aria-live=polite].visually-hidden'))
    .some((n) => n.textContent === 'You have 100 characters left.'));

  // A 5,000-character paste is kept whole, and refused with a reason.
  await ask.fill('b'.repeat(5000));
  assert.equal(await ask.inputValue(), 'b'.repeat(5000), 'the paste is not cut');
  assert.equal(await count.textContent(), 'You have 4,000 characters too many.');
  await ask.press('Enter');
  assert.match(await page.locator('#tolbooth-chat #tb-ask-error').textContent(), /too long: please keep it to 1,000 characters/);
  assert.equal(await asked(), 0, 'nothing was sent');
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget with a refused question');

  // Shortened, it goes, and the message and the counter go with it.
  await ask.fill('where do I renew a library book');
  await ask.press('Enter');
  await page.locator('#tolbooth-chat ol.log li.bot').first().waitFor();
  assert.equal(await asked(), 1);
  assert.equal(await page.locator('#tolbooth-chat #tb-ask-error').isHidden(), true);
  assert.equal(await count.isHidden(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a phone the panel fills the screen', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}/demo`);
  await page.getByRole('button', { name: 'Live chat' }).click();
  await page.locator('#tolbooth-chat #tb-ask').waitFor();
  await page.locator('#tolbooth-chat #tb-ask').fill('when is garden waste collected');
  await page.locator('#tolbooth-chat #tb-ask').press('Enter');
  await page.locator('#tolbooth-chat ol.log li.bot').first().waitFor();
  const box = await page.locator('#tolbooth-chat .panel').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 390, 844]);
  // The launcher does not sit over the panel; the close button is there.
  assert.equal(await page.locator('#tolbooth-chat .launcher').isHidden(), true);
  await page.getByRole('button', { name: 'Close chat window' }).click();
  assert.equal(await page.locator('#tolbooth-chat .launcher').isVisible(), true);
  await page.getByRole('button', { name: 'Live chat' }).click();
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget on a phone');
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-phone.png` });
  assert.deepEqual(errors, []);
  await context.close();
});
