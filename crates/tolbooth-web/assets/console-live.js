// The real-time operator console (/console/live): the queue with waiting
// times, several chats at once, typing indicators, transfer, and a sound
// and title notification for each new enquiry (LC-4, LC-5). It speaks the
// console protocol of docs/protocol.md over /ws/console. Everything a
// visitor wrote is shown with textContent: nothing they type can run here.
(() => {
  'use strict';

  // Messages stand in the order the server stored them (their seq); the
  // operator's own, not yet acknowledged, wait at the end. An
  // acknowledgement can arrive before the other side's earlier messages
  // (after a reconnection), so each item is placed by its seq.
  function placeBySeq(log, item, seq) {
    item.dataset.seq = String(seq);
    const next = Array.from(log.children).find((li) => li !== item
      && (li.classList.contains('is-pending') || (li.dataset.seq && Number(li.dataset.seq) > seq)));
    log.insertBefore(item, next || null);
  }
  const $ = (id) => document.getElementById(id);
  const connection = $('connection');
  const queueList = $('queue');
  const queueCount = $('queue-count');
  const queueEmpty = $('queue-empty');
  const tabs = $('tabs');
  const operatorsList = $('operators');
  const myStatus = $('my-status');
  const statusToggle = $('status-toggle');
  const chatsBox = $('chats');
  const noChat = $('no-chat');
  const baseTitle = document.title;

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
  // Times in the organisation's time zone (from `hello`), whatever the
  // browser's.
  let clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
  const clock = (ms) => clockFormat.format(new Date(ms));
  const waited = (ms) => {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  };

  let socket = null;
  let delay = 1000;
  let me = null;
  let skew = 0; // server time minus this browser's time
  let queue = [];
  let queueTotal = 0;
  let seenQueue = null; // chat ids already notified
  let operators = [];
  let current = null;
  let counter = 0;
  let canned = [];
  const NOTE = /^Asked the chatbot: (.*)\nIt answered: ([\s\S]*)$/;
  const FLAGS = [['offensive', 'Offensive'], ['security_concern', 'Security concern'], ['safeguarding', 'Safeguarding'], ['possible_offence', 'Possible offence']];
  const chats = new Map(); // chat id -> view

  const send = (frame) => {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  };
  const newId = () => `c${Date.now().toString(36)}${(counter++).toString(36)}`;

  function setConnection(text, down) {
    connection.textContent = text;
    connection.classList.toggle('down', !!down);
  }

  // --- notification ------------------------------------------------------
  let audio = null;
  function beep() {
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (_) { /* no sound available */ }
  }
  function updateTitle() {
    const waiting = Math.max(queueTotal, queue.length);
    document.title = waiting ? `(${waiting}) waiting – ${baseTitle}` : baseTitle;
  }

  // --- confirmation ----------------------------------------------------------
  // Ending and turning down cannot be undone: each asks first, in a modal
  // dialog that keeps focus and gives it back; turning down asks why.
  const dialog = $('confirm');
  function confirmAction({ title, text, yes, reasons }) {
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = yes;
    $('confirm-reasons').hidden = !reasons;
    const back = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        if (back && back.isConnected) back.focus();
        resolve(dialog.returnValue === 'yes' ? { reason: reasons ? $('confirm-reason').value : null } : null);
      }, { once: true });
      dialog.returnValue = '';
      dialog.showModal();
      (reasons ? $('confirm-reason') : $('confirm-yes')).focus();
    });
  }
  async function rejectChat(chatId) {
    const ok = await confirmAction({
      title: `Turn down ${chatId}?`,
      text: 'The enquiry is deleted at once and only counted. The visitor is told we cannot take the chat, and how else to reach us.',
      yes: 'Turn down',
      reasons: true,
    });
    if (ok) send({ type: 'reject', chat_id: chatId, reason: ok.reason });
  }
  async function endChat(chatId) {
    const ok = await confirmAction({
      title: `End ${chatId}?`,
      text: 'The visitor is told the chat has ended and can no longer write in it.',
      yes: 'End chat',
    });
    if (ok) send({ type: 'end', chat_id: chatId });
  }

  // --- queue ---------------------------------------------------------------
  function renderQueue() {
    queueCount.textContent = String(Math.max(queueTotal, queue.length));
    queueEmpty.hidden = queue.length > 0;
    const now = Date.now() + skew;
    const items = queue.map((q) => {
      const accept = el('button', { type: 'button', 'data-accept': q.chat_id }, ['Accept ', el('span', { class: 'visually-hidden', text: q.chat_id })]);
      const reject = el('button', { type: 'button', class: 'secondary', 'data-reject': q.chat_id }, ['Reject ', el('span', { class: 'visually-hidden', text: q.chat_id })]);
      accept.addEventListener('click', () => send({ type: 'accept', chat_id: q.chat_id }));
      reject.addEventListener('click', () => rejectChat(q.chat_id));
      return el('li', { 'data-chat': q.chat_id }, [
        el('strong', { text: q.chat_id }),
        el('span', { class: 'waited', 'data-since': String(q.requested_at), text: ` waiting ${waited(now - q.requested_at)}` }),
        el('p', { class: 'question', text: q.truncated ? `${q.question}…` : q.question }),
        accept, reject,
      ]);
    });
    queueList.replaceChildren(...items);
    updateTitle();
  }
  setInterval(() => {
    const now = Date.now() + skew;
    for (const span of queueList.querySelectorAll('.waited')) {
      span.textContent = ` waiting ${waited(now - Number(span.dataset.since))}`;
    }
  }, 1000);

  function onQueue(list) {
    const fresh = seenQueue ? list.filter((q) => !seenQueue.has(q.chat_id)) : [];
    seenQueue = new Set(list.map((q) => q.chat_id));
    queue = list;
    renderQueue();
    if (fresh.length) beep();
  }

  // --- operators -----------------------------------------------------------
  // Each operator says whether they take chats; visitors are offered a
  // person only while someone is available. The status is the server's
  // and outlives this page for a minute, so moving between console pages
  // keeps it.
  let available = false;
  const statusWord = (o) => `${o.available ? 'available' : 'away'}${o.connected === false ? ', not at the console' : ''}`;
  function renderOperators() {
    operatorsList.replaceChildren(...operators.map((o) => {
      const mine = me && o.id === me.id;
      return el('li', { class: o.available ? 'is-available' : 'is-away' }, [
        el('span', { class: 'name', text: mine ? `${o.name} (you)` : o.name }),
        document.createTextNode(' '),
        el('span', { class: 'presence', text: statusWord(o) }),
      ]);
    }));
    const self = me && operators.find((o) => o.id === me.id);
    available = !!(self && self.available);
    myStatus.replaceChildren(document.createTextNode('You are '), el('strong', { text: available ? 'available' : 'away' }),
      document.createTextNode(available ? ': visitors can ask for a person.' : ': visitors are not offered a person.'));
    statusToggle.textContent = available ? 'Set me away' : 'Set me available';
    statusToggle.disabled = !self;
    statusToggle.classList.toggle('secondary', available);
    for (const view of chats.values()) view.fillTransfer();
  }
  statusToggle.addEventListener('click', () => send({ type: 'status', available: !available }));

  // --- chats -----------------------------------------------------------------
  function makeView(chatId) {
    const log = el('ol', { class: 'log', tabindex: '0' });
    const logRegion = el('div', { role: 'log', 'aria-live': 'polite', 'aria-label': `Messages in ${chatId}` }, [log]);
    const state = el('span', { class: 'state' });
    const typing = el('p', { class: 'typing', 'aria-live': 'polite' });
    const textarea = el('textarea', { id: `reply-${chatId}`, maxlength: '4000' });
    const sendButton = el('button', { type: 'submit', text: 'Send' });
    const form = el('form', { class: 'reply' }, [el('label', { for: `reply-${chatId}`, text: 'Reply' }), textarea, sendButton]);
    const endButton = el('button', { type: 'button', class: 'warning', text: 'End chat' });
    const transferSelect = el('select', { id: `transfer-${chatId}`, 'aria-label': 'Transfer to' });
    const transferButton = el('button', { type: 'button', class: 'secondary', text: 'Transfer' });
    const closeButton = el('button', { type: 'button', class: 'secondary', text: 'Close' });
    // Once the chat is over: what can still be done with it.
    const transcriptLink = el('a', { class: 'button secondary', href: `/console/chats/${chatId}`, hidden: true, text: 'Open the transcript' });
    const notice = el('p', { class: 'error', role: 'alert' });
    const cannedSelect = el('select', { id: `canned-${chatId}`, 'aria-label': 'Insert a canned response' });
    const visitorButton = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', text: 'Visitor details' });
    // Scrolls beside the conversation: reachable from the keyboard.
    const panel = el('div', { class: 'visitor-panel', hidden: true, 'aria-live': 'polite', tabindex: '0', role: 'region', 'aria-label': `Visitor details for ${chatId}` });
    const flagSelect = el('select', { id: `flag-${chatId}`, 'aria-label': 'Flag reason' }, [
      el('option', { value: '', text: 'Flag this chat…' }),
      ...FLAGS.map(([value, label]) => el('option', { value, text: label })),
    ]);
    const flagButton = el('button', { type: 'button', class: 'secondary', text: 'Flag' });
    const flagsLine = el('p', { class: 'flags' });
    const section = el('section', { class: 'chat-view', 'data-chat': chatId, hidden: true, 'aria-labelledby': `h-${chatId}` }, [
      el('header', {}, [el('h2', { id: `h-${chatId}`, text: `Chat ${chatId}` }), state, visitorButton]),
      panel, flagsLine, logRegion, typing, notice, cannedSelect, form,
      el('div', { class: 'actions' }, [endButton, transferSelect, transferButton, flagSelect, flagButton, transcriptLink, closeButton]),
    ]);
    chatsBox.append(section);
    const tabButton = el('button', { type: 'button', text: chatId });
    const tab = el('li', {}, [tabButton]);
    tabs.append(tab);

    const view = {
      chatId, section, log, lastSeq: 0, pending: new Map(), mine: false, closed: false, typingSent: false, typingTimer: null,
      setState(f) {
        view.mine = me != null && f.operator_id === me.id;
        view.closed = !['requested', 'accepted'].includes(f.state);
        const who = f.operator ? ` · ${f.operator}` : '';
        const ended = f.ended_by ? ` (by ${f.ended_by})` : '';
        state.textContent = `${f.state}${ended}${who}`;
        const canWrite = view.mine && f.state === 'accepted';
        form.hidden = !canWrite;
        cannedSelect.hidden = !canWrite || !canned.length;
        endButton.hidden = !canWrite;
        transferSelect.hidden = !canWrite;
        transferButton.hidden = !canWrite;
        transcriptLink.hidden = !view.closed;
        closeButton.textContent = view.closed ? 'Close this chat' : 'Close';
        if (view.closed) typing.textContent = '';
      },
      add(f) {
        if (f.seq <= view.lastSeq) return;
        view.lastSeq = f.seq;
        if (f.client_id && view.pending.has(f.client_id)) {
          const item = view.pending.get(f.client_id);
          view.pending.delete(f.client_id);
          item.classList.remove('is-pending');
          item.querySelector('.when').textContent = clock(f.sent_at);
          placeBySeq(log, item, f.seq);
          return;
        }
        // What the visitor asked the chatbot before asking for a person:
        // one note per turn, shown together as a block of their own.
        const note = f.from === 'system' && NOTE.exec(f.text);
        if (note) {
          const item = el('li', { class: 'system note' }, [
            el('span', { class: 'who', text: 'Asked of the chatbot before this chat' }),
            el('p', { class: 'q' }, [el('strong', { text: 'Visitor: ' }), note[1]]),
            el('p', { class: 'a' }, [el('strong', { text: 'Chatbot: ' }), note[2]]),
          ]);
          placeBySeq(log, item, f.seq);
          return;
        }
        const who = f.from === 'visitor' ? (view.visitorName || 'Visitor') : f.from === 'operator' ? (f.client_id ? 'You' : 'Operator') : 'Tolbooth';
        const item = el('li', { class: f.from }, [el('span', { class: 'who' }, [who, el('span', { class: 'when', text: clock(f.sent_at) })])]);
        item.append(document.createTextNode(f.text));
        placeBySeq(log, item, f.seq);
        log.scrollTop = log.scrollHeight;
        if (f.from === 'visitor') {
          typing.textContent = '';
          if (current !== chatId) tabButton.classList.add('unread');
        }
      },
      sendReply() {
        const text = textarea.value.trim();
        if (!text) return;
        const clientId = newId();
        const item = el('li', { class: 'operator is-pending' }, [el('span', { class: 'who' }, ['You', el('span', { class: 'when', text: 'sending…' })])]);
        item.append(document.createTextNode(text));
        log.append(item);
        log.scrollTop = log.scrollHeight;
        view.pending.set(clientId, item);
        item.dataset.text = text;
        item.dataset.client = clientId;
        textarea.value = '';
        view.stopTyping();
        send({ type: 'send', chat_id: chatId, client_id: clientId, text });
      },
      resend() {
        for (const [clientId, item] of view.pending) send({ type: 'send', chat_id: chatId, client_id: clientId, text: item.dataset.text });
      },
      stopTyping() {
        clearTimeout(view.typingTimer);
        if (view.typingSent) { send({ type: 'typing', chat_id: chatId, active: false }); view.typingSent = false; }
      },
      fillTransfer() {
        const others = operators.filter((o) => !me || o.id !== me.id);
        transferSelect.replaceChildren(el('option', { value: '', text: 'Transfer to…' }),
          ...others.map((o) => el('option', { value: String(o.id), text: o.available ? o.name : `${o.name} (away)` })));
      },
      show() {
        for (const v of chats.values()) {
          v.section.hidden = v !== view;
          v.tabButton.setAttribute('aria-current', v === view ? 'true' : 'false');
        }
        tabButton.classList.remove('unread');
        current = chatId;
        noChat.hidden = true;
      },
      fillCanned() {
        cannedSelect.replaceChildren(el('option', { value: '', text: 'Insert a canned response…' }),
          ...canned.map((c) => el('option', { value: String(c.id), text: c.title })));
      },
      showVisitor(v) {
        const rows = [
          ['Name', v.name], ['IP address', v.ip_address], ['Location', v.location],
          ['Browser', v.browser], ['System', v.operating_system], ['Device', v.device],
          ['Came from', v.referrer], ['Chat opened on', v.launch_url],
          ['Pages visited', v.pages_visited], ['Time on site', v.seconds_on_site == null ? null : waited(v.seconds_on_site * 1000)],
        ];
        const dl = el('dl', { class: 'summary' });
        for (const [label, value] of rows) dl.append(el('dt', { text: label }), el('dd', { 'data-field': label, text: value == null ? '—' : String(value) }));
        const earlier = el('ul', { class: 'earlier' }, v.earlier.map((c) => {
          const open = el('button', { type: 'button', class: 'link', text: c.chat_id });
          open.addEventListener('click', () => openChat(c.chat_id, true).show());
          return el('li', {}, [open, ` ${c.state}, ${new Date(c.requested_at).toLocaleString('en-GB')}${c.operator ? `, ${c.operator}` : ''}`]);
        }));
        panel.replaceChildren(el('h3', { text: 'Visitor' }), dl,
          el('h3', { text: 'Earlier chats still held' }), v.earlier.length ? earlier : el('p', { class: 'hint', text: 'None.' }));
        view.setFlags(v.flags.map((f) => f.label));
        panel.hidden = false;
        section.classList.add('with-panel');
        visitorButton.setAttribute('aria-expanded', 'true');
      },
      setFlags(labels) {
        view.flags = [...labels];
        flagsLine.textContent = labels.length ? `Flagged: ${labels.join(', ')}` : '';
      },
      flags: [],
      typing, textarea, notice, tabButton, tab,
    };
    visitorButton.addEventListener('click', () => {
      if (!panel.hidden) {
        panel.hidden = true;
        section.classList.remove('with-panel');
        visitorButton.setAttribute('aria-expanded', 'false');
        return;
      }
      send({ type: 'visitor', chat_id: chatId });
    });
    flagButton.addEventListener('click', () => {
      if (flagSelect.value) send({ type: 'flag', chat_id: chatId, reason: flagSelect.value });
    });
    cannedSelect.addEventListener('change', () => {
      const c = canned.find((x) => String(x.id) === cannedSelect.value);
      if (c) {
        textarea.value = textarea.value ? `${textarea.value} ${c.body}` : c.body;
        textarea.focus();
      }
      cannedSelect.value = '';
    });
    form.addEventListener('submit', (e) => { e.preventDefault(); view.sendReply(); textarea.focus(); });
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); view.sendReply(); }
    });
    textarea.addEventListener('input', () => {
      if (!view.typingSent && textarea.value) view.typingSent = send({ type: 'typing', chat_id: chatId, active: true });
      clearTimeout(view.typingTimer);
      view.typingTimer = setTimeout(view.stopTyping, 3000);
    });
    endButton.addEventListener('click', () => endChat(chatId));
    transferButton.addEventListener('click', () => {
      const to = Number(transferSelect.value);
      if (to) send({ type: 'transfer', chat_id: chatId, to });
    });
    closeButton.addEventListener('click', () => closeView(chatId));
    tabButton.addEventListener('click', () => { view.show(); textarea.focus(); });
    view.fillTransfer();
    view.fillCanned();
    chats.set(chatId, view);
    return view;
  }

  // `accepting`: the server opens an accepted chat by itself.
  function openChat(chatId, focus, accepting) {
    let view = chats.get(chatId);
    if (!view) {
      view = makeView(chatId);
      if (!accepting) send({ type: 'open', chat_id: chatId, after: 0 });
    }
    if (focus || !current) { view.show(); if (focus) view.textarea.focus(); }
    return view;
  }

  function closeView(chatId) {
    const view = chats.get(chatId);
    if (!view) return;
    send({ type: 'close', chat_id: chatId });
    view.section.remove();
    view.tab.remove();
    chats.delete(chatId);
    if (current === chatId) {
      current = null;
      const next = chats.values().next().value;
      if (next) next.show(); else noChat.hidden = false;
    }
  }

  // --- protocol ----------------------------------------------------------
  function handle(f) {
    switch (f.type) {
      case 'hello':
        me = f.me;
        skew = f.server_time - Date.now();
        try {
          clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: f.time_zone });
        } catch (_) { /* an unknown zone: the browser's own */ }
        break;
      case 'operators':
        operators = f.on_duty;
        renderOperators();
        break;
      case 'queue':
        queueTotal = f.total ?? f.chats.length;
        onQueue(f.chats);
        break;
      case 'mine':
        for (const id of f.chat_ids) openChat(id, false);
        break;
      case 'state': {
        const view = chats.get(f.chat_id);
        if (view) view.setState(f);
        break;
      }
      case 'message': {
        const view = chats.get(f.chat_id);
        if (view) view.add(f);
        break;
      }
      case 'visitor_name': {
        // Their messages carry the name they gave.
        const view = chats.get(f.chat_id);
        if (view && f.name) {
          view.visitorName = f.name;
          for (const who of view.log.querySelectorAll('li.visitor .who')) who.firstChild.textContent = f.name;
        }
        break;
      }
      case 'ack': {
        const view = chats.get(f.chat_id);
        const item = view && view.pending.get(f.client_id);
        if (item) {
          item.classList.remove('is-pending');
          item.querySelector('.when').textContent = 'sent';
          placeBySeq(view.log, item, f.seq);
        }
        break;
      }
      case 'typing': {
        const view = chats.get(f.chat_id);
        if (view) view.typing.textContent = f.active ? 'The visitor is typing…' : '';
        break;
      }
      case 'canned':
        canned = f.responses;
        for (const view of chats.values()) view.fillCanned();
        break;
      case 'visitor': {
        const view = chats.get(f.chat_id);
        if (view) view.showVisitor(f);
        break;
      }
      case 'flagged': {
        const view = chats.get(f.chat_id);
        if (view) {
          const label = (FLAGS.find(([v]) => v === f.reason) || [f.reason, f.reason])[1];
          if (!view.flags.includes(label)) view.flags.push(label);
          view.setFlags(view.flags);
          view.notice.textContent = '';
        }
        break;
      }
      case 'assigned':
        openChat(f.chat_id, false);
        beep();
        break;
      case 'error': {
        const view = f.chat_id && chats.get(f.chat_id);
        if (view) view.notice.textContent = f.message;
        else setConnection(f.message, true);
        if (view && f.client_id && view.pending.has(f.client_id)) {
          view.pending.get(f.client_id).querySelector('.when').textContent = 'not sent';
          view.pending.delete(f.client_id);
        }
        break;
      }
      default:
        break;
    }
    // An accepted enquiry opens where the operator is looking.
    if (f.type === 'state' && f.state === 'accepted' && me && f.operator_id === me.id && !current) {
      const view = chats.get(f.chat_id);
      if (view) view.show();
    }
  }

  function connect() {
    const url = new URL('/ws/console', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url.href);
    socket.addEventListener('open', () => {
      delay = 1000;
      setConnection('Connected');
      for (const view of chats.values()) {
        send({ type: 'open', chat_id: view.chatId, after: view.lastSeq });
        view.resend();
      }
    });
    socket.addEventListener('message', (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch (_) { return; }
      handle(f);
    });
    socket.addEventListener('close', (e) => {
      socket = null;
      if (e.code === 4001) { location.assign('/login'); return; }
      setConnection('Connection lost. Reconnecting…', true);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  // Accepting from the queue opens the chat and moves there.
  queueList.addEventListener('click', (e) => {
    const id = e.target.closest('button[data-accept]');
    if (id) openChat(id.dataset.accept, true, true).show();
  }, true);

  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === 'a' && queue.length) {
      e.preventDefault();
      send({ type: 'accept', chat_id: queue[0].chat_id });
      openChat(queue[0].chat_id, true, true).show();
    } else if (key === 'n' && chats.size) {
      e.preventDefault();
      const ids = [...chats.keys()];
      const next = chats.get(ids[(ids.indexOf(current) + 1) % ids.length]);
      next.show();
      next.textarea.focus();
    } else if (key === 'e' && current && !chats.get(current).closed) {
      e.preventDefault();
      endChat(current);
    } else if (key === 's' && !statusToggle.disabled) {
      e.preventDefault();
      statusToggle.click();
    } else if (key === 'r' && current) {
      e.preventDefault();
      chats.get(current).textarea.focus();
    }
  });

  connect();
})();
