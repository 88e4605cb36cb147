// Every data call of the console goes through the public API with the pasted JWT: no back door.
const KEY_TOKEN = 'leadrouter.token';
const KEY_ACCOUNT = 'leadrouter.account';

export const session = {
  get token() { return sessionStorage.getItem(KEY_TOKEN); },
  get account() { return sessionStorage.getItem(KEY_ACCOUNT); },
  signIn(token, account) {
    sessionStorage.setItem(KEY_TOKEN, token);
    sessionStorage.setItem(KEY_ACCOUNT, account);
  },
  signOut() {
    sessionStorage.removeItem(KEY_TOKEN);
    sessionStorage.removeItem(KEY_ACCOUNT);
  },
};

/** The token's claims (not verified here: the server verifies every call). */
export function claims(token) {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT: it has no payload part');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(json);
}

/** An API error as the API words it: status, code, message and, when known, the field. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.field = error.field;
    this.details = error;
  }
}

function headers(extra = {}) {
  const h = { authorization: `Bearer ${session.token}`, ...extra };
  if (session.account) h['x-account-id'] = session.account;
  return h;
}

export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: `the service did not answer (${e.message})` });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json && json.error ? json.error
      : { code: 'http_' + response.status, message: text || response.statusText });
  }
  return json;
}

export const get = (path) => api('GET', path);

/**
 * Reads a Server-Sent Events stream with fetch (EventSource cannot send the Authorization header) and calls
 * onEvent(type, id, data) for each event. With lastEventId it resumes after that event (Last-Event-ID), as
 * EventSource does on reconnect. Returns a function that stops it.
 */
export function stream(path, { onEvent, onOpen, onError, lastEventId }) {
  const abort = new AbortController();
  (async () => {
    try {
      const extra = { accept: 'text/event-stream' };
      if (lastEventId) extra['last-event-id'] = lastEventId;
      const response = await fetch(path, { headers: headers(extra), signal: abort.signal });
      if (!response.ok) {
        const text = await response.text();
        let error;
        try { error = JSON.parse(text).error; } catch { error = { message: text }; }
        throw new ApiError(response.status, error);
      }
      onOpen && onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message', id = null, data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') type = val;
            else if (field === 'id') id = val;
            else if (field === 'data') data += (data ? '\n' : '') + val;
          }
          if (data) onEvent(type, id, JSON.parse(data));
        }
      }
      onError && onError(new Error('the stream ended'));
    } catch (e) {
      if (!abort.signal.aborted) onError && onError(e);
    }
  })();
  return () => abort.abort();
}
