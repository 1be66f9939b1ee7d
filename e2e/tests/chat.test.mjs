// Live chat end to end in real Chromium: a visitor asks through the widget
// on the demo page, an operator answers in the real-time console of a
// second browser context, the connection is cut while both write, and
// nothing a visitor types runs anywhere. Screenshots of the widget and the
// console go to $E2E_SCREENSHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, watchConsole, axe, firstSignIn } from './helpers.mjs';


let demo;
let browser;
let operatorContext;
let operator;
const PASSPHRASE = 'operator chooses a long passphrase';

const shot = async (page, name) => {
  if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/${name}.png`, fullPage: true });
};

before(async () => {
  demo = await startDemo();
  browser = await launch();
  operatorContext = await browser.newContext();
  operator = await operatorContext.newPage();
  await firstSignIn(operator, demo, 'demo-operator', PASSPHRASE);
  await operator.waitForURL('**/console');
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Opens the live console, waits until its socket is connected, and sets
 * the operator available (or away). */
async function openConsole(page, available = true) {
  await page.goto(`${demo.base}/console/live`);
  await page.locator('#connection', { hasText: 'Connected' }).waitFor();
  await setStatus(page, available);
}

async function setStatus(page, available) {
  const toggle = page.locator('#status-toggle:not([disabled])');
  await toggle.waitFor();
  const wanted = available ? 'Set me away' : 'Set me available';
  if ((await toggle.textContent()) !== wanted) await toggle.click();
  await page.locator('#status-toggle', { hasText: wanted }).waitFor();
}

/** A visitor on the demo page with the widget open. */
async function visitor(path = '/demo') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${demo.base}${path}`);
  return { context, page, errors };
}

/** From the open widget: "Talk to a person", the question, "Start chat";
 * resolves with the Chat ID the visitor is shown. */
async function askForAPerson(page, question) {
  await page.getByRole('button', { name: 'Talk to a person' }).click();
  await page.locator('#tolbooth-chat #tb-question').fill(question);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.locator('#tolbooth-chat .ref').waitFor();
  return (await page.locator('#tolbooth-chat .ref').textContent()).replace('Chat ID: ', '').trim();
}

/** Texts of the messages in a log, in order, without the sender line. */
const texts = (page, selector) => page.locator(selector).evaluateAll((items) =>
  items.map((li) => Array.from(li.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('')));

test('a visitor asks through the widget and an operator answers in real time', async () => {
  const consoleErrors = watchConsole(operator);
  await openConsole(operator);
  const { context, page, errors } = await visitor();

  const launcher = page.getByRole('button', { name: 'Live chat' });
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  // The demo has a chatbot: the panel opens on it. The visitor asks it
  // first, then asks for a person, and focus moves to the optional name.
  await page.locator('#tolbooth-chat #tb-ask:focus').waitFor();
  await page.keyboard.type('when is garden waste collected');
  await page.keyboard.press('Enter');
  await page.locator('#tolbooth-chat ol.log li.bot a', { hasText: 'Garden waste collection' }).first().waitFor();
  await page.getByRole('button', { name: 'Talk to a person' }).click();
  await page.waitForFunction(() => document.querySelector('#tolbooth-chat').shadowRoot.activeElement?.id === 'tb-name');
  // The form says what the name is for, and the question asked of the
  // chatbot is carried into it, ready to send or change.
  assert.equal(await page.locator('#tolbooth-chat label[for=tb-name]').textContent(), 'Your first name (optional)');
  assert.equal(await page.locator('#tolbooth-chat #tb-question').inputValue(), 'when is garden waste collected');
  assert.equal(await page.locator('#tolbooth-chat #tb-title').textContent(), 'Live chat with Tolbooth Demo Council');
  await page.keyboard.type('<img src=x onerror="window.__xss=1">Ailsa');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('<script>window.__xss=2</script>When is the brown bin collected in Dunmore Street?');
  await page.getByRole('button', { name: 'Start chat' }).click();
  const ref = page.locator('#tolbooth-chat .ref');
  await ref.waitFor();
  const chatId = (await ref.textContent()).replace('Chat ID: ', '').trim();
  assert.match(chatId, /^TB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await page.locator('#tolbooth-chat .status', { hasText: 'Waiting for someone to answer' }).waitFor();
  await shot(page, 'widget-waiting');
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget, waiting');

  // The operator sees the enquiry arrive, with its waiting time, and the
  // title says so.
  const row = operator.locator(`#queue li[data-chat="${chatId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /<script>window.__xss=2<\/script>When is the brown bin/);
  assert.match(await row.locator('.waited').textContent(), /waiting \d+ s/);
  assert.match(await operator.title(), /^\(1\) waiting/);
  await row.getByRole('button', { name: `Accept ${chatId}` }).click();
  const view = operator.locator(`.chat-view[data-chat="${chatId}"]`);
  await view.locator('.state', { hasText: 'accepted' }).waitFor();
  await page.locator('#tolbooth-chat .status', { hasText: 'You are chatting with Demo Operator.' }).waitFor();
  assert.equal(await page.locator('#tolbooth-chat #tb-title').textContent(), 'Chatting with Demo Operator');
  // BOT-3: the operator sees what the visitor asked the chatbot, in full,
  // in a block of its own; the visitor is shown nothing new.
  const note = view.locator('ol.log li.note');
  await note.waitFor();
  assert.equal(await note.count(), 1);
  assert.equal(await note.locator('.q').textContent(), 'Visitor: when is garden waste collected');
  assert.match(await note.locator('.a').textContent(), /^Chatbot: Garden waste collection: .*[.!?]$/);
  assert.equal(await page.locator('#tolbooth-chat ol.log li', { hasText: /chatbot/i }).count(), 0);

  // The visitor's messages carry the name they gave, as text.
  assert.equal(await view.locator('ol.log li.visitor .who').first().evaluate((n) => n.firstChild.textContent),
    '<img src=x onerror="window.__xss=1">Ailsa');
  // The visitor panel shows what was captured; the name is text.
  await view.getByRole('button', { name: 'Visitor details' }).click();
  const panelField = (name) => view.locator(`.visitor-panel dd[data-field="${name}"]`).textContent();
  await view.locator('.visitor-panel').waitFor();
  assert.equal(await panelField('Name'), '<img src=x onerror="window.__xss=1">Ailsa');
  assert.equal(await panelField('IP address'), '127.0.0.1');
  assert.match(await panelField('Browser'), /^Chrome \d+$/);
  assert.equal(await panelField('Chat opened on'), `${demo.base}/demo`);
  assert.equal(await panelField('Pages visited'), '1');
  await view.locator('select[aria-label="Flag reason"]').selectOption('safeguarding');
  await view.getByRole('button', { name: 'Flag', exact: true }).click();
  await view.locator('.flags', { hasText: 'Flagged: Safeguarding' }).waitFor();

  // Typing shows on the other side.
  await view.locator('textarea').click();
  await operator.keyboard.type('Hello');
  await page.locator('#tolbooth-chat .typing', { hasText: 'Demo Operator is typing' }).waitFor();
  await operator.keyboard.type(', Ailsa. Brown bins are collected every second Tuesday.');
  await operator.keyboard.press('Enter');
  await page.locator('#tolbooth-chat ol.log li.operator', { hasText: 'Brown bins are collected' }).waitFor();

  const box = page.locator('#tolbooth-chat #tb-message');
  await box.click();
  await page.keyboard.type('<a href="javascript:window.__xss=3">Thanks</a> and "blue" ones?');
  await view.locator('.typing', { hasText: 'The visitor is typing' }).waitFor();
  await page.keyboard.press('Enter');
  await view.locator('ol.log li.visitor', { hasText: 'and "blue" ones?' }).waitFor();
  await operator.keyboard.type('Blue ones the week after.');
  await operator.keyboard.press('Enter');
  await page.locator('#tolbooth-chat ol.log li.operator', { hasText: 'Blue ones the week after.' }).waitFor();
  await shot(page, 'widget-chatting');
  await shot(operator, 'console-chatting');
  // With the visitor panel open, the conversation and the reply box stay
  // in view on a laptop screen and an old one; the panel sits beside them.
  for (const [width, height] of [[1280, 800], [1024, 768]]) {
    await operator.setViewportSize({ width, height });
    await operator.evaluate(() => window.scrollTo(0, 0));
    const reply = await view.locator('form.reply textarea').boundingBox();
    const log = await view.locator('ol.log').boundingBox();
    const side = await view.locator('.visitor-panel').boundingBox();
    assert.ok(reply.y + reply.height <= height, `reply box in view at ${width}×${height}: ${JSON.stringify(reply)}`);
    assert.ok(log.y >= 0 && log.height >= 150, `conversation in view at ${width}×${height}: ${JSON.stringify(log)}`);
    assert.ok(side.x >= log.x + log.width, `the visitor panel beside the conversation at ${width}×${height}`);
    if (process.env.E2E_SCREENSHOTS) await operator.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-chat-${width}x${height}.png` });
  }
  // On a phone the console stacks: the conversation, then the panel.
  await operator.setViewportSize({ width: 390, height: 844 });
  assert.deepEqual(await axe(operator), [], 'console with an open chat on a phone');
  if (process.env.E2E_SCREENSHOTS) await operator.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/console-chat-390x844.png`, fullPage: true });
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width, height });
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/widget-chat-${width}x${height}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await operator.setViewportSize({ width: 1280, height: 720 });
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget, chatting');
  assert.deepEqual(await axe(operator), [], 'console with an open chat and the visitor panel');

  // Nothing the visitor typed ran or became markup, in the widget or the console.
  for (const p of [page, operator]) {
    assert.equal(await p.evaluate(() => window.__xss), undefined);
    assert.equal(await p.locator('img[src=x]').count(), 0);
    assert.equal(await p.locator('a[href^="javascript:"]').count(), 0);
  }
  const transcript = await texts(operator, `.chat-view[data-chat="${chatId}"] ol.log li:not(.note)`);
  assert.deepEqual(transcript, [
    '<script>window.__xss=2</script>When is the brown bin collected in Dunmore Street?',
    'Hello, Ailsa. Brown bins are collected every second Tuesday.',
    '<a href="javascript:window.__xss=3">Thanks</a> and "blue" ones?',
    'Blue ones the week after.',
  ]);

  // A paste over the limit is kept whole and refused with a reason.
  await box.fill('c'.repeat(5000));
  assert.equal(await page.locator('#tolbooth-chat #tb-message-count').textContent(), 'You have 1,000 characters too many.');
  await box.press('Enter');
  assert.match(await page.locator('#tolbooth-chat #tb-message-error').textContent(), /too long: please keep it to 4,000 characters/);
  assert.equal(await box.inputValue(), 'c'.repeat(5000), 'nothing was cut');
  assert.equal(await page.locator('#tolbooth-chat ol.log li.is-pending').count(), 0, 'nothing was sent');
  await box.fill('');

  // Alt+E ends the chat from the keyboard, once confirmed; the visitor is told.
  await operator.keyboard.press('Alt+E');
  const confirm = operator.getByRole('dialog', { name: `End ${chatId}?` });
  await confirm.waitFor();
  assert.deepEqual(await axe(operator, { include: [['#confirm']] }), [], 'the confirmation dialog');
  await shot(operator, 'console-confirm-end');
  await operator.keyboard.press('Enter');
  await page.locator('#tolbooth-chat .status', { hasText: 'The chat has ended' }).waitFor();
  await view.locator('.state', { hasText: 'ended (by operator)' }).waitFor();
  // Now only what can still be done is offered.
  await view.getByRole('link', { name: 'Open the transcript' }).waitFor();
  assert.equal(await view.getByRole('button', { name: 'End chat' }).isHidden(), true);
  assert.equal(await view.locator('form.reply').isHidden(), true);
  await shot(page, 'widget-ended');
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget, ended');

  // The recorded chat has every LC-3 field; the transcript page shows the
  // visitor's text inert too.
  await operator.goto(`${demo.base}/console/chats/${chatId}`);
  const field = (name) => operator.locator(`dd[data-field="${name}"]`).textContent();
  assert.equal(await field('Chat ID'), chatId);
  assert.equal(await field('Operator'), 'Demo Operator');
  // Times in the organisation's time zone, in words; each message with
  // its speaker and time; the chatbot conversation as its own block.
  for (const name of ['Requested', 'Accepted', 'Ended']) assert.match(await field(name), /^\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d$/);
  const rows = operator.locator('ol.transcript > li');
  assert.equal(await rows.count(), 5);
  assert.match(await rows.nth(0).locator('.meta').textContent(), /^<img src=x onerror="window.__xss=1">Ailsa \d\d:\d\d$/);
  assert.equal(await rows.nth(1).getAttribute('class'), 'note');
  assert.equal(await rows.nth(1).locator('.q').textContent(), 'Visitor: when is garden waste collected');
  assert.match(await rows.nth(2).locator('.meta').textContent(), /^Demo Operator \d\d:\d\d$/);
  assert.deepEqual(await axe(operator), [], 'the transcript page');
  assert.match(await field('Length'), /\d+ s|\d+ min/);
  assert.equal(await field('Ended by'), 'operator');
  assert.equal(await operator.evaluate(() => window.__xss), undefined);
  assert.equal(await operator.locator('img[src=x]').count(), 0);
  await shot(operator, 'console-transcript');
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await operator.setViewportSize({ width, height });
    assert.deepEqual(await axe(operator), [], `the transcript page at ${width}×${height}`);
    await shot(operator, `transcript-${width}x${height}`);
  }
  await operator.setViewportSize({ width: 1280, height: 720 });

  assert.deepEqual(errors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('a cut connection: both sides write meanwhile, then see every message once, in order', async () => {
  await openConsole(operator);
  // Both pages' sockets pass through a switch the test can open.
  const routes = [];
  let cut = false;
  const relay = async (ws) => {
    if (cut) { await ws.close({ code: 4500, reason: 'cut' }); return; }
    const server = ws.connectToServer();
    routes.push({ ws, server });
  };
  await operator.routeWebSocket(/\/ws\/console$/, relay);
  await operator.reload();
  await operator.locator('#connection', { hasText: 'Connected' }).waitFor();

  const { context, page, errors } = await visitor();
  await page.routeWebSocket(/\/ws\/chat$/, relay);
  await page.reload();
  await page.getByRole('button', { name: 'Live chat' }).click();
  const chatId = await askForAPerson(page, 'Can I change my bin day?');
  await operator.locator(`#queue li[data-chat="${chatId}"]`).getByRole('button', { name: /^Accept/ }).click();
  const view = operator.locator(`.chat-view[data-chat="${chatId}"]`);
  await view.locator('.state', { hasText: 'accepted' }).waitFor();
  await page.locator('#tolbooth-chat .status', { hasText: 'You are chatting with' }).waitFor();

  const visitorSays = async (text) => {
    await page.locator('#tolbooth-chat #tb-message').fill(text);
    await page.locator('#tolbooth-chat #tb-message').press('Enter');
  };
  const operatorSays = async (text) => {
    await view.locator('textarea').fill(text);
    await view.locator('textarea').press('Enter');
  };
  await visitorSays('v1 before the cut');
  await operatorSays('o1 before the cut');
  await page.locator('#tolbooth-chat ol.log li.operator', { hasText: 'o1 before the cut' }).waitFor();

  // The network goes: every socket is dropped and reconnects are refused.
  cut = true;
  for (const { ws, server } of routes.splice(0)) {
    await ws.close({ code: 4500, reason: 'cut' }).catch(() => {});
    await server.close().catch(() => {});
  }
  await page.locator('#tolbooth-chat .status', { hasText: 'Reconnecting' }).waitFor();
  await operator.locator('#connection', { hasText: 'Reconnecting' }).waitFor();
  await visitorSays('v2 while cut');
  await operatorSays('o2 while cut');
  await visitorSays('v3 while cut');
  await operatorSays('o3 while cut');
  await shot(page, 'widget-reconnecting');

  // The network returns.
  cut = false;
  await page.locator('#tolbooth-chat .status', { hasText: 'You are chatting with' }).waitFor({ timeout: 40000 });
  await operator.locator('#connection', { hasText: 'Connected' }).waitFor({ timeout: 40000 });
  const all = ['v1 before the cut', 'o1 before the cut', 'v2 while cut', 'o2 while cut', 'v3 while cut', 'o3 while cut'];
  const widgetLog = '#tolbooth-chat ol.log li';
  const consoleLog = `.chat-view[data-chat="${chatId}"] ol.log li`;
  await page.waitForFunction((n) => document.querySelector('#tolbooth-chat').shadowRoot.querySelectorAll('ol.log li:not(.is-pending)').length >= n, all.length + 1);
  await operator.waitForFunction(([sel, n]) => document.querySelectorAll(`${sel}:not(.is-pending)`).length >= n, [consoleLog, all.length + 1]);
  // Let any duplicate arrive before counting.
  await page.waitForTimeout(1000);
  const seenByVisitor = await texts(page, widgetLog);
  const seenByOperator = await texts(operator, consoleLog);
  assert.deepEqual(seenByVisitor, seenByOperator, 'both sides show the same messages in the same order');
  assert.equal(seenByVisitor.length, all.length + 1, `each message once: ${JSON.stringify(seenByVisitor)}`);
  assert.deepEqual([...seenByVisitor].sort(), ['Can I change my bin day?', ...all].sort());
  // Each side's own messages keep their order.
  const order = (list, prefix) => list.filter((t) => t.startsWith(prefix));
  assert.deepEqual(order(seenByVisitor, 'v'), ['v1 before the cut', 'v2 while cut', 'v3 while cut']);
  assert.deepEqual(order(seenByVisitor, 'o'), ['o1 before the cut', 'o2 while cut', 'o3 while cut']);
  assert.deepEqual(errors.filter((e) => !/WebSocket/.test(e)), []);
  await page.getByRole('button', { name: 'End chat' }).click();
  await view.locator('.state', { hasText: 'ended (by visitor)' }).waitFor();
  await context.close();
  await operator.unrouteAll({ behavior: 'ignoreErrors' });
});

test('the widget works from the keyboard, in Gàidhlig, and passes axe; so does the console', async () => {
  const { context, page, errors } = await visitor('/demo?lang=gd');
  const launcher = page.getByRole('button', { name: 'Cabadaich bheò' });
  await launcher.focus();
  await page.keyboard.press('Enter');
  await page.locator('#tolbooth-chat .panel:not([hidden])').waitFor();
  // The chatbot first, in Gàidhlig; Tab reaches the way to a person.
  await page.locator('#tolbooth-chat #tb-ask:focus').waitFor();
  assert.deepEqual(await axe(page, { include: [['#tolbooth-chat']] }), [], 'widget, chatbot');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.querySelector('#tolbooth-chat').shadowRoot.activeElement?.id), 'tb-name');
  assert.equal(await page.locator('#tolbooth-chat label[for=tb-question]').textContent(), 'Do cheist');
  const violations = await axe(page, { include: [['#tolbooth-chat']] });
  assert.deepEqual(violations, [], 'widget: no WCAG A/AA violations');
  // An empty question is refused with a message tied to the field.
  await page.getByRole('button', { name: 'Tòisich air cabadaich' }).click();
  assert.equal(await page.locator('#tolbooth-chat #tb-start-error').textContent(), 'Sgrìobh do cheist.');
  assert.equal(await page.locator('#tolbooth-chat #tb-question').getAttribute('aria-invalid'), 'true');
  // Escape closes the panel and gives focus back to the button.
  await page.keyboard.press('Escape');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.querySelector('#tolbooth-chat').shadowRoot.activeElement?.className), 'launcher');
  await shot(page, 'widget-gd');
  assert.deepEqual(errors, []);
  await context.close();

  // No operator available (the operator set themselves away): the widget
  // says so.
  await setStatus(operator, false);
  await operator.locator('#my-status', { hasText: 'You are away' }).waitFor();
  const english = await visitor('/demo');
  await english.page.getByRole('button', { name: 'Live chat' }).click();
  // The chatbot stays; the way to a person is not offered, and why is said
  // there, once.
  await english.page.locator('#tolbooth-chat .bot-box .notice', { hasText: 'No one is available' }).waitFor();
  assert.equal(await english.page.locator('#tolbooth-chat .status').textContent(), '');
  assert.equal(await english.page.getByRole('button', { name: 'Talk to a person' }).isHidden(), true);
  assert.deepEqual(await axe(english.page, { include: [['#tolbooth-chat']] }), [], 'widget, no one available');
  await shot(english.page, 'widget-unavailable');
  assert.deepEqual(await axe(english.page), [], 'demo page with the widget');

  // The operator becomes available: the open widget offers a person at
  // once, without a reload, and stops when they go away again.
  await setStatus(operator, true);
  await english.page.getByRole('button', { name: 'Talk to a person' }).waitFor();
  assert.equal(await english.page.locator('#tolbooth-chat .bot-box .notice', { hasText: 'No one is available' }).isHidden(), true);
  assert.match(await operator.locator('#operators').textContent(), /Demo Operator \(you\) available/);
  await shot(operator, 'console-available');
  await setStatus(operator, false);
  await english.page.locator('#tolbooth-chat .bot-box .notice', { hasText: 'No one is available' }).waitFor();
  assert.equal(await english.page.getByRole('button', { name: 'Talk to a person' }).isHidden(), true);
  // Moving to another console page and back keeps the status.
  await setStatus(operator, true);
  await operator.goto(`${demo.base}/console/chats`);
  await operator.goto(`${demo.base}/console/live`);
  await operator.locator('#my-status', { hasText: 'You are available' }).waitFor();
  await english.page.getByRole('button', { name: 'Talk to a person' }).waitFor();
  await english.context.close();

  await openConsole(operator);
  assert.deepEqual(await axe(operator), [], 'live console: no WCAG A/AA violations');
});

test('turning an enquiry down asks why, and the visitor is told how else to reach us', async () => {
  await openConsole(operator);
  const { context, page, errors } = await visitor();
  await page.getByRole('button', { name: 'Live chat' }).click();
  const chatId = await askForAPerson(page, 'Testing, please ignore');
  const row = operator.locator(`#queue li[data-chat="${chatId}"]`);
  await row.getByRole('button', { name: `Reject ${chatId}` }).click();
  const dialog = operator.getByRole('dialog', { name: `Turn down ${chatId}?` });
  await dialog.waitFor();
  // Cancel leaves it waiting.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await operator.waitForTimeout(300);
  assert.equal(await row.count(), 1, 'still waiting after Cancel');
  await row.getByRole('button', { name: `Reject ${chatId}` }).click();
  await dialog.getByLabel('Why').selectOption('mistake');
  await dialog.getByRole('button', { name: 'Turn down' }).click();
  await page.locator('#tolbooth-chat .status', { hasText: 'Sorry, we cannot take your chat just now.' }).waitFor();
  assert.match(await page.locator('#tolbooth-chat .status').textContent(), /call us on 01632 960 100/);
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
