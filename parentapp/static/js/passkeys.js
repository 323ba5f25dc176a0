/* Passkeys: registering one, and signing in with one (WebAuthn).
 *
 * Every button this script drives is hidden in the page until the browser shows it can make
 * and use passkeys; without the script the pages work with an authenticator app instead.
 * Messages come from the button's data-* attributes, translated by the server. */
'use strict';

(() => {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(base64url) {
    const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = '';
    bytes.forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function creationOptions(json) {
    const options = { ...json, challenge: toBytes(json.challenge) };
    options.user = { ...json.user, id: toBytes(json.user.id) };
    options.excludeCredentials = (json.excludeCredentials || [])
      .map((c) => ({ ...c, id: toBytes(c.id) }));
    return options;
  }

  function requestOptions(json) {
    const options = { ...json, challenge: toBytes(json.challenge) };
    if (json.allowCredentials) {
      options.allowCredentials = json.allowCredentials.map((c) => ({ ...c, id: toBytes(c.id) }));
    }
    return options;
  }

  // The credential as the server's JSON (WebAuthn level 3's toJSON where it exists).
  function asJSON(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  // A translated message from the server; any other error is shown as msgFailed.
  class ServerMessage extends Error {}

  async function post(url, csrf, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify(body || {}),
    });
    let reply = {};
    try { reply = await response.json(); } catch (error) { /* not JSON */ }
    return { ok: response.ok, reply };
  }

  function wire(button) {
    const data = button.dataset;
    const status = document.getElementById(data.status);
    const say = (text) => { if (status) status.textContent = text || ''; };
    button.hidden = false;
    button.addEventListener('click', async () => {
      button.disabled = true;
      say(data.msgWorking);
      try {
        const options = await post(data.optionsUrl, data.csrf);
        if (!options.ok) throw new ServerMessage(options.reply.message || data.msgFailed);
        const credential = data.passkey === 'register'
          ? await navigator.credentials.create({ publicKey: creationOptions(options.reply) })
          : await navigator.credentials.get({ publicKey: requestOptions(options.reply) });
        const result = await post(data.url, data.csrf, { credential: asJSON(credential) });
        if (!result.ok || !result.reply.next) {
          throw new ServerMessage(result.reply.message || data.msgFailed);
        }
        window.location.assign(result.reply.next);
      } catch (error) {
        // A cancelled prompt, a device without passkeys, or a refusal with the server's words.
        say(error instanceof ServerMessage ? error.message : data.msgFailed);
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll('[data-passkey]').forEach(wire);
})();
