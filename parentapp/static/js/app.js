/* Loaded on every page (deferred). Every page works without it; it adds the service worker,
 * a quicker quick exit, and clears what this phone kept when the person logs out. */
'use strict';

(() => {
  const SHELL_CACHE_PREFIX = 'parentapp-shell-';
  const ESCAPE_WINDOW_MS = 1500;
  const CLEAR_TIMEOUT_MS = 2000;

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // The app works without it: no install and no offline page, nothing more.
    });
  }

  // Quick exit: replace this page in history so Back does not return to it.
  const exit = document.querySelector('a.quick-exit');
  if (exit) {
    const leave = () => window.location.replace(exit.href);
    exit.addEventListener('click', (event) => {
      event.preventDefault();
      leave();
    });
    let lastEscape = 0;
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      const now = Date.now();
      if (now - lastEscape <= ESCAPE_WINDOW_MS) leave();
      lastEscape = now;
    });
  }

  // The outbox script is only on some pages; at logout it is fetched to empty the outbox.
  function loadOutbox() {
    if (self.parentappOutbox) return Promise.resolve(self.parentappOutbox);
    return new Promise((resolve) => {
      const script = document.createElement('script');
      script.src = '/static/js/outbox.js';
      script.onload = () => resolve(self.parentappOutbox);
      script.onerror = () => resolve(undefined);
      document.head.appendChild(script);
    });
  }

  // Logout: the server also sends Clear-Site-Data, but not every browser honours it.
  async function clearThisPhone() {
    try { window.localStorage.clear(); } catch (error) { /* storage may be blocked */ }
    try { window.sessionStorage.clear(); } catch (error) { /* storage may be blocked */ }
    const tasks = [];
    tasks.push(loadOutbox().then((outbox) => outbox && outbox.clear()));
    if ('caches' in self) {
      tasks.push(caches.keys().then((names) => Promise.all(
        names.filter((name) => !name.startsWith(SHELL_CACHE_PREFIX))
          .map((name) => caches.delete(name)),
      )));
    }
    // Never keep someone waiting to log out: give up on anything slow.
    await Promise.race([
      Promise.allSettled(tasks),
      new Promise((resolve) => { setTimeout(resolve, CLEAR_TIMEOUT_MS); }),
    ]);
  }

  for (const form of document.querySelectorAll('form[action$="/logout"]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearThisPhone().finally(() => form.submit());
    });
  }
})();
