/* The check-in page, enhanced: answers given without a signal wait on this phone (outbox.js)
   and go to the server when it is back. Without JavaScript the form simply posts. */
(() => {
  'use strict';
  // The offline page (kept by the service worker) says whether answers still wait here.
  const waiting = document.getElementById('outbox-waiting');
  if (waiting && self.parentappOutbox) {
    const sent = document.getElementById('outbox-sent');
    const show = (message) => {
      if (message && message.type === 'sent' && sent) {
        const link = sent.querySelector('a');
        link.href = message.done_url;
        if (message.urgent) link.textContent = link.dataset.urgent;
        sent.hidden = false;
      }
      self.parentappOutbox.list().then((items) => { waiting.hidden = !items.length; }, () => {});
    };
    show();
    self.parentappOutbox.on(show);
  }
  const form = document.querySelector('form.checkin-form');
  const box = document.getElementById('outbox-status');
  const crisis = document.getElementById('offline-crisis');
  const data = document.getElementById('checkin-config');
  const outbox = self.parentappOutbox;
  if (!form || !box || !crisis || !data || !outbox || !self.indexedDB) return;
  const config = JSON.parse(data.textContent);
  const text = config.text;
  const keyInput = form.elements.namedItem('submission_key');
  const button = form.querySelector('button[type="submit"]');
  let queued = null; // the key of the answers this page saved
  let waited = false; // answers from this page waited offline: no flag was raised meanwhile
  let replaces = null; // a refused item being fixed in the form

  const newKey = () => crypto.randomUUID ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join('');

  function el(tag, content, attrs) {
    const node = document.createElement(tag);
    node.append(...[].concat(content));
    Object.assign(node, attrs || {});
    return node;
  }

  function say(message, ...more) {
    box.replaceChildren(el('p', message), ...more);
    box.hidden = false;
    box.tabIndex = -1;
    box.focus(); // the form is long: bring the news to the carer, and to a screen reader
  }

  function collect() {
    const answers = {};
    let infant = null;
    for (const [name, value] of new FormData(form)) {
      if (name.startsWith('item_')) answers[name.slice(5)] = value.trim() ? value : null;
      if (name === 'infant_id' && /^\d+$/.test(value)) infant = Number(value);
    }
    return { key: keyInput.value, instrument_id: config.instrument_id,
      instrument_version: config.instrument_version, user_id: config.user_id, answers,
      infant_id: infant, locale: document.documentElement.lang,
      created_at: new Date().toISOString(), status: 'pending', errors: {} };
  }

  // Crisis numbers at once for a worrying answer that waits here: the flag comes only later.
  function alarm() {
    const worrying = Object.entries(config.alarming).some(([name, codes]) => {
      const chosen = form.querySelector(`input[name="${CSS.escape(name)}"]:checked`);
      return chosen && codes.includes(chosen.value);
    });
    if (worrying && (waited || !navigator.onLine)) crisis.hidden = false;
  }

  function register() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.getRegistration()
      .then((reg) => reg && reg.sync && reg.sync.register('checkin-outbox'))
      .catch(() => {}); // no Background Sync: page load and the online event send instead
  }

  async function queue(item) {
    try {
      await outbox.put(item);
    } catch (error) {
      button.disabled = false;
      say(text.unsaved);
      return;
    }
    queued = item.key;
    waited = true;
    say(text.pending);
    alarm();
    register();
    flush();
  }

  function fill(item) {
    const values = { ...item.answers, infant_id: item.infant_id };
    for (const [id, value] of Object.entries(values)) {
      const name = id === 'infant_id' ? id : `item_${id}`;
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((input) => {
        if (input.type === 'radio') input.checked = input.value === String(value);
        else input.value = value ?? '';
      });
    }
  }

  function rejected(item) {
    // Fixed answers are a new submission: the old key stays with the old answers.
    replaces = item.key;
    queued = null;
    keyInput.value = newKey();
    fill(item);
    form.hidden = false;
    button.disabled = false;
    const problems = Object.entries(item.errors || {}).map(([id, message]) => {
      const target = id === 'infant_id' ? id : `item_${id}`;
      const field = document.getElementById(target);
      const label = field && (field.querySelector('legend') || field.labels?.[0]);
      const words = label ? text.problem.replace('%(question)s', label.textContent.trim())
        .replace('%(problem)s', message) : message;
      return el('li', el('a', words, { href: `#${target}` }));
    });
    say(text.rejected, problems.length ? el('ul', problems) : el('p', item.message || ''));
    alarm();
  }

  outbox.on(async (message) => {
    if (message.type === 'waiting' && queued) say(message.reason === 'auth' ? text.login : text.pending);
    if (message.instrument_id !== config.instrument_id) return;
    // Another account's answers (a shared phone) are never shown on this one's page.
    if (!outbox.owns(config.user_id, message)) return;
    if (message.type === 'sent') {
      if (message.key === queued) form.hidden = true;
      if (message.key === queued || message.key === replaces) queued = replaces = null;
      const link = el('a', message.urgent ? text.urgent : text.next,
        { href: message.done_url, className: message.urgent ? 'button danger' : 'button' });
      say(text.sent, el('p', link));
    } else if (message.type === 'rejected') {
      const item = (await outbox.list()).find((i) => i.key === message.key);
      if (item && outbox.owns(config.user_id, item)) rejected(item);
    }
  });

  form.addEventListener('change', alarm);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) return; // a double tap sends once
    button.disabled = true;
    const item = collect();
    if (replaces) await outbox.remove(replaces).catch(() => {});
    replaces = null;
    if (!navigator.onLine) return queue(item);
    let response;
    try {
      response = await fetch(form.action, { method: 'POST', body: new FormData(form),
        credentials: 'same-origin' });
    } catch (error) {
      return queue(item); // the signal dropped on the way; the same key makes a resend safe
    }
    if (response.redirected && /\/checkins\/\d+\/done$/.test(new URL(response.url).pathname)) {
      location.assign(response.url); // the server's page: the safety screen when urgent
    } else if (response.status === 400) {
      form.submit(); // answers to fix: the server's page says which, as without JavaScript
    } else {
      queue(item); // logged out or the server in trouble: keep the answers here
    }
  });

  // outbox.js sends on load and on the online event; coming back to the page also counts.
  const flush = () => navigator.onLine && outbox.flush().catch(() => {});
  addEventListener('offline', alarm);
  document.addEventListener('visibilitychange', () => document.hidden || flush());
  outbox.list().then((items) => {
    const mine = items.filter((i) => i.instrument_id === config.instrument_id
      && outbox.owns(config.user_id, i));
    const refused = mine.find((i) => i.status === 'rejected');
    if (refused) rejected(refused);
    else if (mine.length) say(text.pending);
    flush();
  }).catch(() => {});
})();
