/* The reminders page: turn notifications on or off for this phone.
 *
 * The page works without this script (reminders then come by email); it only adds the two
 * buttons, shown where the browser can receive push messages. Every message it shows comes
 * from the page's data-* attributes, translated by the server. */
'use strict';

(() => {
  const panel = document.getElementById('push-panel');
  if (!panel) return;
  const supported = 'serviceWorker' in navigator && 'PushManager' in window
    && 'Notification' in window;
  if (!supported) return;

  const data = panel.dataset;
  const onButton = document.getElementById('push-on');
  const offButton = document.getElementById('push-off');
  const status = document.getElementById('push-status');

  function say(text) {
    status.textContent = text || '';
  }

  // The VAPID public key is base64url; PushManager wants its raw bytes.
  function keyBytes(base64url) {
    const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function registration() {
    // app.js registers the service worker on every page; registering again returns the same one.
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return navigator.serviceWorker.ready;
  }

  // A translated message from the server; any other error is shown as msgFailed.
  class ServerMessage extends Error {}

  async function send(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': data.csrf },
      body: JSON.stringify(body),
    });
    let reply = {};
    try { reply = await response.json(); } catch (error) { /* not JSON: a login page, say */ }
    if (!response.ok || !reply.message) throw new ServerMessage(reply.message || data.msgFailed);
    return reply.message;
  }

  function show(subscribed) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
  }

  async function turnOn() {
    say(data.msgWorking);
    onButton.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        say(data.msgDenied);
        return;
      }
      const reg = await registration();
      const subscription = await reg.pushManager.getSubscription()
        || await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(data.vapidKey),
        });
      say(await send(data.subscribeUrl, subscription.toJSON()));
      show(true);
    } catch (error) {
      say(error instanceof ServerMessage ? error.message : data.msgFailed);
    } finally {
      onButton.disabled = false;
    }
  }

  async function turnOff() {
    say(data.msgWorking);
    offButton.disabled = true;
    try {
      const reg = await registration();
      const subscription = await reg.pushManager.getSubscription();
      if (subscription) {
        const endpoint = subscription.endpoint;
        await subscription.unsubscribe();
        await send(data.removeUrl, { endpoint });
      }
      say(data.msgOff);
      show(false);
    } catch (error) {
      say(error instanceof ServerMessage ? error.message : data.msgFailed);
    } finally {
      offButton.disabled = false;
    }
  }

  onButton.addEventListener('click', turnOn);
  offButton.addEventListener('click', turnOff);
  panel.hidden = false;
  // Show the button that fits this phone now, without asking for anything.
  registration()
    .then((reg) => reg.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription) && Notification.permission === 'granted'))
    .catch(() => show(false));
})();
