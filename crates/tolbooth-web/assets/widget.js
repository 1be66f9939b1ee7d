// Tolbooth's live chat widget (LC-1). One tag on any page:
//
//   <script src="https://HOST/widget.js" async></script>
//
// Optional data attributes: data-lang="gd" (otherwise the page's lang
// chooses: Gàidhlig for gd, English for anything else) and
// data-label="Ask us" (the button's text).
//
// Plain JavaScript, no dependencies, no third party. Everything lives in a
// shadow root so the host page's styles and scripts do not reach it.
// Everything a person typed is shown with textContent, never as HTML. The
// protocol is docs/protocol.md (the visitor's WebSocket).
(() => {
  'use strict';
  if (window.__tolbooth) return;
  const script = document.currentScript;
  if (!script || !script.src) return;
  window.__tolbooth = true;

  const CATALOGUES = {
    en: {
      launcher: 'Live chat',
      title: 'Live chat',
      titleWith: 'Live chat with {org}',
      close: 'Close chat window',
      privacy: 'You can give your first name so that we know what to call you. Please do not share other personal details, such as your address, phone number or bank details, unless we ask for them.',
      name: 'Your first name (optional)',
      question: 'Your question',
      questionNeeded: 'Please type your question.',
      start: 'Start chat',
      connecting: 'Connecting…',
      waiting: 'Waiting for someone to answer. Please keep this page open.',
      connected: 'You are chatting with {name}.',
      typing: '{name} is typing…',
      ended: 'The chat has ended. Thank you for contacting us.',
      rejected: 'Sorry, we cannot take your chat just now. Please try again later.',
      unavailable: 'No one is available to chat just now. Please try again later.',
      closed: 'Live chat is closed at the moment.',
      hours: 'Opening hours: {hours}.',
      reconnecting: 'Connection lost. Reconnecting…',
      send: 'Send',
      message: 'Your message',
      messages: 'Messages',
      you: 'You',
      adviser: 'Adviser',
      sending: 'Sending…',
      notSent: 'Not sent yet. It will be sent when the connection returns.',
      chatId: 'Chat ID',
      quote: 'Quote this if you contact us again.',
      leave: 'End chat',
      again: 'Start a new chat',
      slowDown: 'Please wait a moment before sending more.',
      failed: 'Something went wrong. Please try again.',
      botIntro: 'Ask our automated assistant. It answers from our website, day and night, and cannot see or decide your own case.',
      botPrivacy: 'The assistant does not need your personal details: please leave out your name, address, phone number and reference numbers.',
      askLabel: 'Your question for the assistant',
      ask: 'Ask',
      bot: 'Assistant',
      from: 'From: ',
      helped: 'Was this helpful?',
      yes: 'Yes',
      no: 'No',
      thanks: 'Thank you for your feedback.',
      person: 'Talk to a person',
      personClosed: 'Live chat with a person is closed now; the assistant is here at any time.',
      backToBot: 'Back to the assistant',
      titleBot: 'Ask our assistant',
      titleBotWith: 'Ask {org}’s assistant',
      titlePerson: 'Chatting with {name}',
      askNeeded: 'Please type a question for the assistant.',
      messageNeeded: 'Please type a message.',
      left: 'You have {n} characters left.',
      leftOne: 'You have 1 character left.',
      over: 'You have {n} characters too many.',
      overOne: 'You have 1 character too many.',
      tooLong: 'This is too long: please keep it to {max} characters or fewer, or send it in parts.',
    },
    gd: {
      launcher: 'Cabadaich bheò',
      title: 'Cabadaich bheò',
      titleWith: 'Cabadaich bheò le {org}',
      close: 'Dùin uinneag na cabadaich',
      privacy: "Faodaidh tu d' ainm-baistidh a thoirt seachad airson 's gum bi fios againn dè chanas sinn riut. Na toir seachad fiosrachadh pearsanta eile, mar do sheòladh, àireamh fòn no fiosrachadh banca, mura h-iarr sinn e.",
      name: "D' ainm-baistidh (roghainneil)",
      question: 'Do cheist',
      questionNeeded: 'Sgrìobh do cheist.',
      start: 'Tòisich air cabadaich',
      connecting: "A' ceangal…",
      waiting: "A' feitheamh ri cuideigin a fhreagras. Cùm an duilleag seo fosgailte.",
      connected: "Tha thu a' cabadaich le {name}.",
      typing: "Tha {name} a' sgrìobhadh…",
      ended: "Tha a' chabadaich seachad. Tapadh leat airson fios a chur thugainn.",
      rejected: 'Tha sinn duilich, chan urrainn dhuinn do chabadaich a ghabhail an-dràsta. Feuch a-rithist an ceann greis.',
      unavailable: 'Chan eil duine ri fhaighinn airson cabadaich an-dràsta. Feuch a-rithist an ceann greis.',
      closed: "Tha a' chabadaich bheò dùinte an-dràsta.",
      hours: 'Uairean fosglaidh: {hours}.',
      reconnecting: "Chaidh an ceangal a chall. A' ceangal a-rithist…",
      send: 'Cuir',
      message: 'Do theachdaireachd',
      messages: 'Teachdaireachdan',
      you: 'Thusa',
      adviser: 'Comhairliche',
      sending: 'Ga chur…',
      notSent: 'Cha deach a chur fhathast. Thèid a chur nuair a thilleas an ceangal.',
      chatId: 'Àireamh na cabadaich',
      quote: 'Thoir seachad seo ma chuireas tu fios thugainn a-rithist.',
      leave: "Cuir crìoch air a' chabadaich",
      again: 'Tòisich cabadaich ùr',
      slowDown: 'Fuirich greiseag mus cuir thu an còrr.',
      failed: 'Chaidh rudeigin ceàrr. Feuch a-rithist.',
      botIntro: "Faighnich dhen chuidiche fèin-obrachail againn. Bidh e a' freagairt bhon làrach-lìn againn, a latha 's a dh'oidhche, agus chan fhaic e do chùis fhèin.",
      botPrivacy: 'Chan fheum an cuidiche fiosrachadh pearsanta ort: na cuir a-steach d’ ainm, do sheòladh, àireamh fòn no àireamhan iomraidh.',
      askLabel: 'Do cheist dhan chuidiche',
      ask: 'Faighnich',
      bot: 'Cuidiche',
      from: 'Bho: ',
      helped: 'An robh seo feumail?',
      yes: 'Chuidich',
      no: 'Cha do chuidich',
      thanks: 'Tapadh leat airson do bheachd.',
      person: 'Bruidhinn ri neach',
      personClosed: "Tha a' chabadaich le neach dùinte an-dràsta; tha an cuidiche an seo uair sam bith.",
      backToBot: 'Air ais dhan chuidiche',
      titleBot: 'Faighnich dhen chuidiche',
      titleBotWith: 'Faighnich do chuidiche {org}',
      titlePerson: "A' cabadaich le {name}",
      askNeeded: 'Sgrìobh ceist dhan chuidiche.',
      messageNeeded: 'Sgrìobh teachdaireachd.',
      left: 'Tha {n} caractaran air fhàgail agad.',
      leftOne: 'Tha 1 charactar air fhàgail agad.',
      over: 'Tha {n} caractaran cus agad.',
      overOne: 'Tha 1 charactar cus agad.',
      tooLong: "Tha seo ro fhada: cùm e gu {max} caractaran no nas lugha, no cuir e ann am pìosan.",
    },
  };

  const pageLang = (script.dataset.lang || document.documentElement.lang || 'en').toLowerCase();
  const lang = pageLang.startsWith('gd') ? 'gd' : 'en';
  const T = CATALOGUES[lang];
  const say = (key, values) => T[key].replace(/\{(\w+)\}/g, (_, k) => (values && values[k]) || '');

  const base = new URL('.', script.src);
  const socketUrl = new URL('ws/chat', base);
  socketUrl.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';

  // Session storage keeps the chat across pages of the site; it ends with
  // the tab. Nothing is stored if the browser refuses storage.
  const KEY = 'tolbooth-chat';
  const remember = {
    load(key, fallback) {
      try { return JSON.parse(sessionStorage.getItem(key)) || fallback; } catch (_) { return fallback; }
    },
    save(key, value) {
      try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (_) { /* storage refused */ }
    },
    forget(key) {
      try { sessionStorage.removeItem(key); } catch (_) { /* storage refused */ }
    },
  };

  // LC-2: pages visited and time on site, counted from the widget's first
  // load in this tab; a random first-party visitor id links a visitor's
  // chats while the organisation still holds them.
  const visit = remember.load('tolbooth-visit', { first: Date.now(), pages: 0 });
  visit.pages += 1;
  remember.save('tolbooth-visit', visit);
  let visitorId = null;
  try {
    visitorId = localStorage.getItem('tolbooth-visitor');
    if (!visitorId) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      visitorId = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem('tolbooth-visitor', visitorId);
    }
  } catch (_) { visitorId = null; }
  // Addresses without query or fragment: those can hold personal data.
  const bare = (u) => { try { const x = new URL(u); return x.origin + x.pathname; } catch (_) { return null; } };

  const STYLE = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #0b0c0c; }
button, input, textarea { font: inherit; }
.launcher { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; background: #1d4f91; color: #fff;
  border: 2px solid #fff; border-radius: 2rem; padding: .6rem 1.2rem; font-weight: 700; cursor: pointer;
  box-shadow: 0 2px 6px rgba(0,0,0,.35); }
.launcher:hover { background: #163d70; }
:focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
.panel { position: fixed; right: 1rem; bottom: 4.5rem; z-index: 2147483001; width: min(24rem, calc(100vw - 2rem));
  height: min(36rem, calc(100vh - 6rem)); display: flex; flex-direction: column; background: #fff;
  border: 2px solid #0b0c0c; border-radius: .5rem; box-shadow: 0 4px 16px rgba(0,0,0,.35); overflow: hidden; }
.panel[hidden], [hidden] { display: none !important; }
header { display: flex; align-items: flex-start; gap: .5rem; background: #1d4f91; color: #fff; padding: .6rem .8rem; }
header .heading { flex: 1; }
header h2 { font-size: 1.1rem; margin: 0; }
.ref { margin: .1rem 0 0; font-size: .9rem; }
.close { background: transparent; color: #fff; border: 2px solid transparent; font-size: 1.4rem; line-height: 1;
  padding: .1rem .45rem; cursor: pointer; border-radius: .25rem; }
.status { margin: 0; padding: .5rem .8rem; background: #f3f2f1; border-bottom: 1px solid #b1b4b6; font-size: .95rem; }
.status:empty { padding: 0; border: 0; }
.body { flex: 1; overflow-y: auto; padding: .8rem; }
.notice { margin: 0 0 .8rem; padding: .5rem .7rem; border-left: 5px solid #1d4f91; background: #f3f2f1; font-size: .95rem; }
label { display: block; font-weight: 700; margin: .6rem 0 .2rem; }
input, textarea { width: 100%; border: 2px solid #0b0c0c; border-radius: 0; padding: .4rem; background: #fff; color: #0b0c0c; }
textarea { min-height: 5rem; resize: vertical; }
.primary { margin-top: .7rem; background: #00703c; color: #fff; border: 0; border-bottom: 2px solid #002d18;
  padding: .5rem 1rem; font-weight: 700; cursor: pointer; }
.primary:disabled { background: #505a5f; cursor: not-allowed; }
.secondary { background: #f3f2f1; color: #0b0c0c; border: 0; border-bottom: 2px solid #929191; padding: .4rem .8rem; cursor: pointer; }
.error { color: #d4351c; font-weight: 700; margin: .4rem 0 0; }
.count { margin: .25rem 0 0; font-size: .9rem; color: #505a5f; }
.count.over { color: #d4351c; font-weight: 700; }
[aria-invalid="true"] { border-color: #d4351c; }
ol.log { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .5rem; }
ol.log li { max-width: 85%; padding: .45rem .65rem; border-radius: .4rem; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.log li.visitor { align-self: flex-end; background: #1d4f91; color: #fff; }
ol.log li.operator, ol.log li.system, ol.log li.bot { align-self: flex-start; background: #f3f2f1; color: #0b0c0c; border: 1px solid #b1b4b6; }
.who { display: block; font-size: .8rem; font-weight: 700; }
.pending { display: block; font-size: .8rem; font-style: italic; }
.typing { min-height: 1.4em; margin: 0; padding: 0 .8rem; font-size: .9rem; font-style: italic; color: #505a5f; }
.compose { padding: .5rem .8rem .8rem; border-top: 1px solid #b1b4b6; }
.compose .row, .bot-box .ask .row { display: flex; gap: .4rem; align-items: flex-end; }
.compose textarea { min-height: 2.6rem; height: 2.6rem; }
.compose .primary { margin: 0; }
.foot { display: flex; justify-content: space-between; align-items: center; padding: 0 .8rem .6rem; }
.bot-box .ask { margin-top: .6rem; }
.bot-box .ask input { flex: 1; }
.bot-box .ask .primary { margin: 0; }
ol.log li.bot a { color: #1d4f91; }
ol.log li.bot ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.feedback { display: flex; gap: .4rem; align-items: center; margin-top: .4rem; font-size: .9rem; }
.person { margin-top: .8rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); border: 0; white-space: nowrap; }
@media (max-width: 30rem) {
  .panel { inset: 0; width: 100%; height: 100%; height: 100dvh; border: 0; border-radius: 0; }
  .root.is-open .launcher { display: none; }
}
@media (prefers-reduced-motion: no-preference) { .launcher { transition: background-color .15s; } }
@media (forced-colors: active) { .launcher, .panel, ol.log li { border: 2px solid CanvasText; } }
`;

  const el = (tag, attrs, children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else if (v === true) node.setAttribute(k, '');
      else if (v !== false && v != null) node.setAttribute(k, v);
    }
    for (const c of children || []) node.append(c);
    return node;
  };

  // Nothing typed is cut: a field shows how much room is left as the
  // visitor nears its limit (told to screen readers once they pause), and
  // text over the limit is refused with a message rather than sent. The
  // server says its limits in its welcome; these are its defaults.
  const LIMITS = { message: 4000, question: 1000 };
  const length = (v) => Array.from(v.trim()).length;
  const counters = new Map();
  function counted(input, id, limit) {
    const shown = el('p', { class: 'count', id: `${id}-count`, hidden: true });
    const spoken = el('p', { class: 'visually-hidden', 'aria-live': 'polite' });
    let timer = null;
    const update = () => {
      const max = LIMITS[limit];
      const left = max - length(input.value);
      if (left > max / 5) {
        shown.hidden = true;
        shown.textContent = '';
        spoken.textContent = '';
        return;
      }
      let text;
      if (left >= 0) text = left === 1 ? T.leftOne : say('left', { n: left.toLocaleString('en-GB') });
      else text = left === -1 ? T.overOne : say('over', { n: (-left).toLocaleString('en-GB') });
      shown.hidden = false;
      shown.textContent = text;
      shown.classList.toggle('over', left < 0);
      clearTimeout(timer);
      timer = setTimeout(() => { spoken.textContent = text; }, 1200);
    };
    input.addEventListener('input', update);
    counters.set(input, { update, max: () => LIMITS[limit] });
    return [shown, spoken];
  }
  // Why a field's text cannot be sent, or null when it can.
  function problem(input, emptyKey) {
    const n = length(input.value);
    if (n === 0) return T[emptyKey];
    const { max } = counters.get(input);
    return n > max() ? say('tooLong', { max: max().toLocaleString('en-GB') }) : null;
  }
  function showProblem(input, box, text) {
    box.hidden = !text;
    box.textContent = text || '';
    if (text) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else input.removeAttribute('aria-invalid');
  }

  const host = el('div', { id: 'tolbooth-chat' });
  const shadow = host.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    shadow.adoptedStyleSheets = [sheet];
  } catch (_) {
    shadow.append(el('style', { text: STYLE }));
  }

  const launcher = el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'tb-panel',
    text: script.dataset.label || T.launcher });
  const title = el('h2', { id: 'tb-title', text: T.title });
  const refText = el('p', { class: 'ref', hidden: true });
  const closeButton = el('button', { class: 'close', type: 'button', 'aria-label': T.close, text: '×' });
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

  const nameInput = el('input', { id: 'tb-name', name: 'name', autocomplete: 'given-name', maxlength: '80' });
  const questionInput = el('textarea', { id: 'tb-question', name: 'question',
    'aria-describedby': 'tb-privacy tb-question-count tb-start-error' });
  const startError = el('p', { class: 'error', id: 'tb-start-error', hidden: true });
  const startButton = el('button', { class: 'primary', type: 'submit', text: T.start });
  const startForm = el('form', { class: 'start', novalidate: true }, [
    el('label', { for: 'tb-name', text: T.name }), nameInput,
    el('label', { for: 'tb-question', text: T.question }), questionInput,
    ...counted(questionInput, 'tb-question', 'message'), startError, startButton,
  ]);
  const backButton = el('button', { class: 'secondary', type: 'button', text: T.backToBot, hidden: true });
  const intro = el('div', { class: 'intro' }, [el('p', { class: 'notice', id: 'tb-privacy', text: T.privacy }), startForm, backButton]);
  // The chatbot (BOT-1..BOT-5): its own log, question box and the way to a person.
  const botLog = el('ol', { class: 'log' });
  const botInput = el('input', { id: 'tb-ask', name: 'ask', autocomplete: 'off',
    'aria-describedby': 'tb-bot-privacy tb-ask-count tb-ask-error' });
  const askError = el('p', { class: 'error', id: 'tb-ask-error', hidden: true });
  const askForm = el('form', { class: 'ask', novalidate: true }, [
    el('label', { for: 'tb-ask', class: 'visually-hidden', text: T.askLabel }),
    el('div', { class: 'row' }, [botInput, el('button', { class: 'primary', type: 'submit', text: T.ask })]),
    ...counted(botInput, 'tb-ask', 'question'), askError,
  ]);
  const personButton = el('button', { class: 'secondary person', type: 'button', text: T.person });
  const personNote = el('p', { class: 'notice', hidden: true, text: T.personClosed });
  const botBox = el('div', { class: 'bot-box', hidden: true }, [
    el('p', { class: 'notice', text: T.botIntro }),
    el('p', { class: 'notice', id: 'tb-bot-privacy', text: T.botPrivacy }),
    el('div', { role: 'log', 'aria-live': 'polite', 'aria-label': T.messages }, [botLog]),
    askForm, personButton, personNote,
  ]);
  // The log region wraps the list, so that its items stay list items.
  const log = el('ol', { class: 'log' });
  const logRegion = el('div', { role: 'log', 'aria-live': 'polite', 'aria-label': T.messages, hidden: true }, [log]);
  // Scrollable, so reachable from the keyboard to scroll back.
  const bodyBox = el('div', { class: 'body', tabindex: '0' }, [botBox, intro, logRegion]);
  const typing = el('p', { class: 'typing', 'aria-live': 'polite' });
  const messageInput = el('textarea', { id: 'tb-message', name: 'message', rows: '1',
    'aria-describedby': 'tb-message-count tb-message-error' });
  const messageError = el('p', { class: 'error', id: 'tb-message-error', hidden: true });
  const compose = el('form', { class: 'compose', hidden: true, novalidate: true }, [
    el('label', { for: 'tb-message', class: 'visually-hidden', text: T.message }),
    el('div', { class: 'row' }, [messageInput, el('button', { class: 'primary', type: 'submit', text: T.send })]),
    ...counted(messageInput, 'tb-message', 'message'), messageError,
  ]);
  const leaveButton = el('button', { class: 'secondary', type: 'button', text: T.leave });
  const againButton = el('button', { class: 'secondary', type: 'button', text: T.again, hidden: true });
  const foot = el('div', { class: 'foot', hidden: true }, [leaveButton, againButton]);
  const panel = el('section', { class: 'panel', id: 'tb-panel', role: 'dialog', 'aria-labelledby': 'tb-title', hidden: true }, [
    el('header', {}, [el('div', { class: 'heading' }, [title, refText]), closeButton]),
    status, bodyBox, typing, compose, foot,
  ]);
  const root = el('div', { class: 'root', lang }, [launcher, panel]);
  shadow.append(root);

  // --- state -------------------------------------------------------------
  let chat = remember.load(KEY, null); // { token, chatId, pending: [{client_id, text}], open }
  let socket = null;
  let delay = 1000;
  let lastSeq = 0;
  let operator = null;
  let closed = false;
  let organisation = '';
  let otherContact = '';
  let startPending = null;
  let typingTimer = null;
  let typingSent = false;
  let counter = 0;
  // The bot conversation of this page view, carried to a person on hand-over.
  let botTurns = [];
  let mode = 'bot';

  const persist = () => { if (chat) remember.save(KEY, chat); else remember.forget(KEY); };
  const newId = () => `w${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const send = (frame) => {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  };
  const setStatus = (text) => { if (status.textContent !== text) status.textContent = text; };
  const scrollDown = () => { bodyBox.scrollTop = bodyBox.scrollHeight; };

  function open(focus) {
    panel.hidden = false;
    root.classList.add('is-open');
    launcher.setAttribute('aria-expanded', 'true');
    if (chat) { chat.open = true; persist(); }
    connect();
    if (focus !== false) {
      if (!botBox.hidden) botInput.focus();
      else (compose.hidden ? (nameInput.value ? questionInput : nameInput) : messageInput).focus();
    }
  }
  function hide() {
    panel.hidden = true;
    root.classList.remove('is-open');
    launcher.setAttribute('aria-expanded', 'false');
    if (chat) { chat.open = false; persist(); }
    launcher.focus();
  }

  // The title says who answers: the assistant, or a person.
  function setTitle() {
    let text;
    if (chat && operator && !closed) text = say('titlePerson', { name: operator });
    else if (!chat && availability.chatbot && mode === 'bot') text = organisation ? say('titleBotWith', { org: organisation }) : T.titleBot;
    else text = organisation ? say('titleWith', { org: organisation }) : T.title;
    title.textContent = text;
  }

  function showChat() {
    setTitle();
    intro.hidden = true;
    botBox.hidden = true;
    logRegion.hidden = false;
    compose.hidden = closed;
    foot.hidden = false;
    leaveButton.hidden = closed;
    againButton.hidden = !closed;
    if (chat && chat.chatId) {
      refText.hidden = false;
      refText.textContent = `${T.chatId}: ${chat.chatId}`;
      refText.title = T.quote;
    }
  }

  // LC-9: closed, or open with no one free, is said before anyone writes.
  let availability = { open: true, hours: null, operators: true, chatbot: false };
  function showIntro() {
    const bot = availability.chatbot && mode === 'bot';
    botBox.hidden = !bot;
    intro.hidden = bot;
    backButton.hidden = !availability.chatbot;
    const { open, hours, operators } = availability;
    const hoursText = hours ? ` ${say('hours', { hours })}` : '';
    personButton.hidden = !open || !operators;
    personNote.hidden = open && operators;
    personNote.textContent = open ? T.unavailable : `${T.personClosed}${hoursText}`;
    logRegion.hidden = true;
    compose.hidden = true;
    foot.hidden = true;
    refText.hidden = true;
    startButton.disabled = !open || !operators;
    setTitle();
    // Said once: beside the way to a person when the assistant is shown,
    // in the status strip above the form otherwise.
    if (bot) setStatus('');
    else if (!open) setStatus(`${T.closed}${hoursText}`);
    else setStatus(operators ? '' : T.unavailable);
  }

  // Messages stand in the order the server stored them (their seq); those
  // not yet acknowledged wait at the end, below what arrives. An
  // acknowledgement can arrive before the other side's earlier messages
  // (after a reconnection), so each item is placed by its seq.
  function placeBySeq(item, seq) {
    item.dataset.seq = String(seq);
    const next = Array.from(log.children).find((li) => li !== item
      && (li.classList.contains('is-pending') || (li.dataset.seq && Number(li.dataset.seq) > seq)));
    log.insertBefore(item, next || null);
  }
  function line(from, text, who, clientId, pending, seq) {
    const item = el('li', { class: from });
    item.append(el('span', { class: 'who', text: who }), document.createTextNode(text));
    if (clientId) item.dataset.client = clientId;
    if (pending) log.append(item);
    else if (seq) placeBySeq(item, seq);
    else log.insertBefore(item, log.querySelector('li.is-pending'));
    scrollDown();
    return item;
  }

  function addPendingLine(p) {
    const item = line('visitor', p.text, T.you, p.client_id, true);
    item.classList.add('is-pending');
    item.append(el('span', { class: 'pending', text: T.sending }));
  }

  function settle(clientId) {
    const item = log.querySelector(`li[data-client="${CSS.escape(clientId)}"]`);
    if (item) {
      item.classList.remove('is-pending');
      item.querySelectorAll('.pending').forEach((n) => n.remove());
    }
    return item;
  }

  // --- socket ------------------------------------------------------------
  function connect() {
    if (socket || closed) return;
    setStatus(T.connecting);
    socket = new WebSocket(socketUrl.href);
    socket.addEventListener('open', () => {
      delay = 1000;
      if (chat && chat.token) {
        send({ type: 'resume', token: chat.token, after: lastSeq });
        for (const p of chat.pending) send({ type: 'send', client_id: p.client_id, text: p.text });
      } else if (startPending) {
        send(startPending);
      }
    });
    socket.addEventListener('message', (e) => {
      let frame;
      try { frame = JSON.parse(e.data); } catch (_) { return; }
      handle(frame);
    });
    socket.addEventListener('close', (e) => {
      socket = null;
      if (e.code === 4004) { forget(); return; }
      if (closed) return;
      if (chat && chat.token) {
        setStatus(T.reconnecting);
        log.querySelectorAll('li .pending').forEach((n) => { n.textContent = T.notSent; });
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      } else if (startPending) {
        startPending = null;
        startButton.disabled = false;
        startError.hidden = false;
        startError.textContent = T.failed;
      }
    });
  }

  function forget() {
    chat = null;
    persist();
    closed = false;
    lastSeq = 0;
    log.replaceChildren();
    showIntro();
  }

  function onState(f) {
    operator = f.operator || operator;
    if (f.state === 'requested') setStatus(T.waiting);
    else if (f.state === 'accepted') { setStatus(say('connected', { name: operator || T.adviser })); setTitle(); }
    else {
      closed = true;
      typing.textContent = '';
      // Turned down: said kindly, with how else to reach the organisation.
      setStatus(f.state === 'ended' ? T.ended : `${T.rejected}${otherContact ? ` ${otherContact}` : ''}`);
      if (chat) { chat.token = null; chat.pending = []; persist(); }
      showChat();
      if (socket) socket.close(1000);
      return;
    }
    showChat();
  }

  function handle(f) {
    switch (f.type) {
      case 'welcome':
        organisation = f.organisation || '';
        otherContact = typeof f.other_contact === 'string' ? f.other_contact : '';
        if (f.limits) {
          if (f.limits.message > 0) LIMITS.message = f.limits.message;
          if (f.limits.question > 0) LIMITS.question = f.limits.question;
        }
        availability = { open: f.open !== false, hours: f.hours || null, operators: f.operators_available !== false,
          chatbot: f.chatbot === true };
        setTitle();
        if (!chat) {
          showIntro();
          if (!panel.hidden && !botBox.hidden && shadow.activeElement !== botInput) botInput.focus();
        }
        break;
      case 'availability':
        // Someone became available, or the last one went: said at once.
        availability.operators = f.operators_available === true;
        if (!chat) showIntro();
        break;
      case 'started':
        chat = { token: f.token, chatId: f.chat_id, pending: [], open: true };
        persist();
        startPending = null;
        questionInput.value = '';
        counters.get(questionInput).update();
        showChat();
        messageInput.focus();
        break;
      case 'state':
        onState(f);
        break;
      case 'message': {
        if (f.seq <= lastSeq) break;
        lastSeq = f.seq;
        typing.textContent = '';
        if (f.from === 'visitor') {
          const mine = f.client_id && settle(f.client_id);
          if (mine) { placeBySeq(mine, f.seq); break; }
          line('visitor', f.text, T.you, null, false, f.seq);
        } else {
          line(f.from, f.text, f.from === 'operator' ? (operator || T.adviser) : organisation, null, false, f.seq);
        }
        break;
      }
      case 'answer':
        botAnswer(f);
        break;
      case 'feedback_saved': {
        const box = botLog.querySelector(`.feedback[data-id="${CSS.escape(f.id)}"]`);
        if (box) box.replaceChildren(document.createTextNode(T.thanks));
        break;
      }
      case 'ack':
        if (chat) {
          chat.pending = chat.pending.filter((p) => p.client_id !== f.client_id);
          persist();
        }
        {
          const item = settle(f.client_id);
          if (item && f.seq) placeBySeq(item, f.seq);
        }
        break;
      case 'typing':
        typing.textContent = f.active ? say('typing', { name: operator || T.adviser }) : '';
        break;
      case 'error':
        if (f.code === 'rate_limited') setStatus(T.slowDown);
        else if (f.client_id && f.client_id.startsWith('q')) botLine(f.message || T.failed);
        else if (f.code === 'out_of_hours') {
          startPending = null;
          availability.open = false;
          showIntro();
        }
        else if (startPending || !chat) {
          startPending = null;
          startButton.disabled = false;
          startError.hidden = false;
          startError.textContent = f.message || T.failed;
        } else if (f.client_id && chat) {
          // Refused for good (closed chat, bad input): do not resend.
          chat.pending = chat.pending.filter((p) => p.client_id !== f.client_id);
          persist();
          const item = settle(f.client_id);
          if (item) item.append(el('span', { class: 'pending', text: f.message || T.failed }));
        }
        break;
      default:
        break;
    }
  }

  // --- events ------------------------------------------------------------
  launcher.addEventListener('click', () => (panel.hidden ? open() : hide()));
  closeButton.addEventListener('click', hide);
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); hide(); } });

  startForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const question = questionInput.value.trim();
    const wrong = problem(questionInput, 'questionNeeded');
    showProblem(questionInput, startError, wrong);
    if (wrong) return;
    startButton.disabled = true;
    const name = nameInput.value.trim();
    startPending = {
      type: 'start',
      question,
      client_id: newId(),
      name: name || undefined,
      visitor_id: visitorId || undefined,
      context: {
        launch_url: bare(location.href),
        referrer: document.referrer ? bare(document.referrer) : null,
        pages_visited: visit.pages,
        seconds_on_site: Math.round((Date.now() - visit.first) / 1000),
      },
      bot_transcript: botTurns.filter((t) => t.answer).map((t) => ({ question: t.question, answer: t.answer, id: t.id })),
    };
    if (!send(startPending)) connect();
  });

  // --- chatbot -----------------------------------------------------------
  function botLine(text) {
    const item = el('li', { class: 'bot' }, [el('span', { class: 'who', text: T.bot }), document.createTextNode(text)]);
    botLog.append(item);
    scrollDown();
    return item;
  }
  function botAnswer(f) {
    const item = botLine('');
    item.lastChild.remove();
    if (f.heading) item.append(el('strong', { text: f.heading }), document.createElement('br'));
    item.append(document.createTextNode(f.text));
    // Each page once, in the order given (the one the answer came from first).
    const seen = new Set();
    const sources = (f.sources || []).filter((s) => !seen.has(s.url) && seen.add(s.url));
    if (sources.length) {
      const list = el('ul');
      for (const s of sources) {
        const a = el('a', { href: s.url, text: s.title, rel: 'noopener' });
        list.append(el('li', {}, [a]));
      }
      if (f.answered) item.append(el('span', { class: 'who', text: T.from }));
      item.append(list);
    }
    if (f.id) {
      const yes = el('button', { class: 'secondary', type: 'button', text: T.yes });
      const no = el('button', { class: 'secondary', type: 'button', text: T.no });
      const box = el('div', { class: 'feedback', 'data-id': f.id }, [el('span', { text: T.helped }), yes, no]);
      yes.addEventListener('click', () => send({ type: 'feedback', id: f.id, helpful: true }));
      no.addEventListener('click', () => send({ type: 'feedback', id: f.id, helpful: false }));
      item.append(box);
    }
    const turn = botTurns[botTurns.length - 1];
    if (turn && !turn.answer) {
      turn.answer = f.answered ? `${f.heading || ''}: ${f.text}` : f.text;
      turn.id = f.id;
    }
    scrollDown();
  }
  askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const question = botInput.value.trim();
    const wrong = problem(botInput, 'askNeeded');
    showProblem(botInput, askError, wrong);
    if (wrong) return;
    const item = el('li', { class: 'visitor' }, [el('span', { class: 'who', text: T.you }), document.createTextNode(question)]);
    botLog.append(item);
    botTurns.push({ question, answer: '' });
    if (botTurns.length > 8) botTurns.shift();
    botInput.value = '';
    counters.get(botInput).update();
    scrollDown();
    const frame = { type: 'ask', question, client_id: `q${newId()}` };
    if (!send(frame)) { connect(); setTimeout(() => { if (!send(frame)) botLine(T.failed); }, 1500); }
    botInput.focus();
  });
  personButton.addEventListener('click', () => {
    mode = 'person';
    // The last question asked of the assistant starts the chat, ready to
    // send or change.
    const last = botTurns[botTurns.length - 1];
    if (last && !questionInput.value.trim()) {
      questionInput.value = last.question;
      counters.get(questionInput).update();
    }
    showIntro();
    nameInput.focus();
  });
  backButton.addEventListener('click', () => { mode = 'bot'; showIntro(); botInput.focus(); });

  function sendMessage() {
    const text = messageInput.value.trim();
    if (!chat || closed) return;
    const wrong = problem(messageInput, 'messageNeeded');
    showProblem(messageInput, messageError, wrong);
    if (wrong) return;
    const p = { client_id: newId(), text };
    chat.pending.push(p);
    persist();
    addPendingLine(p);
    messageInput.value = '';
    counters.get(messageInput).update();
    stopTyping();
    if (!send({ type: 'send', client_id: p.client_id, text })) connect();
  }
  compose.addEventListener('submit', (e) => { e.preventDefault(); sendMessage(); messageInput.focus(); });
  messageInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (messageInput.value.trim()) sendMessage();
    }
  });
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSent) { send({ type: 'typing', active: false }); typingSent = false; }
  }
  messageInput.addEventListener('input', () => {
    if (!typingSent && messageInput.value) { typingSent = send({ type: 'typing', active: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });
  leaveButton.addEventListener('click', () => send({ type: 'leave' }));
  againButton.addEventListener('click', () => { forget(); nameInput.focus(); connect(); });

  const mount = () => {
    document.body.append(host);
    if (chat && chat.token) {
      for (const p of chat.pending) addPendingLine(p);
      showChat();
      if (chat.open) open(false); else connect();
    }
  };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
