/* The service worker, served at /sw.js with the cache version and precache list filled in.
 *
 * It keeps only the app shell (static files) and the offline page. Pages, API responses and
 * answers are never cached: they hold personal data and must always come from the server. */
'use strict';

const VERSION = '__SHELL_VERSION__';
const CACHE_PREFIX = 'parentapp-shell-';
const CACHE = CACHE_PREFIX + VERSION;
const PRECACHE = [/* __PRECACHE__ */];
const OFFLINE_URL = '/offline';
const ICON = '/static/icons/icon-192.png';

// The check-in outbox (IndexedDB); a release without it must still install.
try {
  importScripts('/static/js/outbox.js');
} catch (error) {
  // Without the outbox there is simply nothing to send in the background.
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  // Each release has its own cache: drop the old ones so no stale shell is ever served.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

async function fromCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') cache.put(request, response.clone());
    return response;
  } catch (error) {
    // Offline: this release's copy under another version query (?v=...) is the best there is.
    const fallback = await cache.match(request, { ignoreVary: true, ignoreSearch: true });
    if (fallback) return fallback;
    throw error;
  }
}

async function networkElseOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match(OFFLINE_URL, { ignoreVary: true });
    return offline || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(networkElseOffline(request));
  }
  // Anything else (the API, data) is left to the network and never stored.
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'checkin-outbox' && self.parentappOutbox) {
    event.waitUntil(self.parentappOutbox.flush());
  }
});

function sameOriginUrl(value) {
  try {
    const url = new URL(value || '/', self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + '/';
  } catch (error) {
    return self.location.origin + '/';
  }
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  // The wording comes from the server, already in the carer's language and discreet if need be.
  const icon = typeof message.icon === 'string' && message.icon.startsWith('/static/icons/')
    ? message.icon : ICON;
  event.waitUntil(self.registration.showNotification(message.title || '', {
    body: message.body || '',
    icon,
    data: { url: sameOriginUrl(message.url) },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target && 'focus' in client);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});
