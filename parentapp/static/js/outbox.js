/* Check-ins answered without a signal wait here (IndexedDB) until the server has them.
   Runs in pages and in the service worker, so it never touches the DOM. Each item holds only
   what sending needs; it is deleted once the server answers 200/201, and all at logout.
   Each item records the account that answered it (user_id): a phone may be shared, and a
   session sends only its own account's items; the others wait for their owner. */
(() => {
  'use strict';
  if (self.parentappOutbox) return;
  const NAME = 'parentapp-outbox';
  const STORE = 'checkins';
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(NAME) : null;
  const listeners = [];
  let running = null; // one flush at a time in this context; the server's key covers the rest

  function tell(message) {
    // A BroadcastChannel does not echo to its sender: listeners here hear it directly.
    listeners.forEach((fn) => fn(message));
    if (channel) channel.postMessage(message);
  }

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, action) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = action(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close(); // an open connection would block deleting the database
    }
  }

  const put = (item) => run('readwrite', (s) => s.put({ status: 'pending', errors: {}, ...item }));
  const list = () => run('readonly', (s) => s.getAll());
  const remove = (key) => run('readwrite', (s) => s.delete(key));
  const clear = () => run('readwrite', (s) => s.clear());

  async function token() {
    // A fresh token each time: the one in a page loaded hours ago dies with a new login.
    const response = await fetch('/api/v1/session', {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    });
    if (response.status === 401 || response.status === 403) return { stop: 'auth' };
    if (!response.ok) return { stop: 'later' };
    const body = await response.json();
    // Who the server says is logged in now, not who was when a page was loaded.
    return { token: body.csrf_token, user_id: body.user && body.user.id };
  }

  // Items saved before owners were recorded have none: they are sent as they always were.
  const owns = (userId, item) => item.user_id == null || item.user_id === userId;

  async function send(item, csrf) {
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Idempotency-Key': item.key,
      'X-CSRFToken': csrf,
    };
    // The language the carer answered in (used when their account names none).
    if (item.locale) headers['Accept-Language'] = item.locale;
    const response = await fetch('/api/v1/checkins', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers,
      body: JSON.stringify({
        instrument_id: item.instrument_id,
        // The version the page showed: the answers are read on it, whatever shipped since.
        ...(item.instrument_version ? { instrument_version: item.instrument_version } : {}),
        answers: item.answers,
        infant_id: item.infant_id ?? null,
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 200 || response.status === 201) {
      await remove(item.key);
      tell({ type: 'sent', key: item.key, instrument_id: item.instrument_id,
        user_id: item.user_id, done_url: body.done_url, urgent: body.urgent === true });
      return null;
    }
    if (response.status === 401 || response.status === 403) return 'auth';
    // Stale token, too many, or the server in trouble: keep it for the next try.
    if (response.status === 429 || response.status >= 500 || body.error === 'csrf_failed') {
      return 'later';
    }
    // Refused for good (422 and other 4xx): kept, marked, for the carer to fix; never dropped.
    const rejected = { ...item, status: 'rejected', errors: body.errors || {},
      message: body.message || '' };
    await put(rejected);
    tell({ type: 'rejected', key: item.key, instrument_id: item.instrument_id,
      user_id: item.user_id, errors: rejected.errors, message: rejected.message });
    return null;
  }

  async function flushNow() {
    const waiting = (await list()).filter((item) => item.status !== 'rejected');
    if (!waiting.length) return 'empty';
    let stop = null;
    try {
      const session = await token();
      stop = session.stop || null;
      const mine = stop ? [] : waiting.filter((item) => owns(session.user_id, item));
      for (const item of mine) {
        stop = await send(item, session.token);
        if (stop) break;
      }
    } catch (error) {
      stop = 'offline'; // a network error: everything not yet sent stays
    }
    if (stop) tell({ type: 'waiting', reason: stop });
    return stop || 'done';
  }

  function flush() {
    if (!running) running = flushNow().finally(() => { running = null; });
    return running;
  }

  const on = (fn) => {
    listeners.push(fn);
    if (channel) channel.addEventListener('message', (event) => fn(event.data));
  };

  self.parentappOutbox = { put, list, remove, flush, clear, on, owns };

  // In a page (not the service worker): send what waits once the page has loaded (so the
  // page's own listeners hear the outcome) and whenever the signal returns.
  if (typeof window === 'object') {
    const send = () => navigator.onLine && flush().catch(() => {});
    window.addEventListener('load', send);
    window.addEventListener('online', send);
  }
})();
