// The JSON API of the HTTP port, with the bearer token the user gave (kept for this tab only).
const TOKEN_KEY = 'trialgraph.token';

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(value) { value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY); }

/** An error answer of the API: code (gRPC's), HTTP status, message, field. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || ('HTTP ' + status));
    this.status = status; this.code = error.code; this.field = error.field;
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  if (token()) h['Authorization'] = 'Bearer ' + token();
  return h;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    (Array.isArray(value) ? value : [value]).forEach(v => q.append(key, v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

async function answer(response) {
  const text = await response.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch (e) { body = { error: { message: text } }; }
  if (!response.ok) {
    if (response.status === 401) document.dispatchEvent(new CustomEvent('unauthenticated'));
    throw new ApiError(response.status, body.error || {});
  }
  return body;
}

export async function get(path, params = {}, signal) {
  return answer(await fetch('/api/v1' + path + query(params), { headers: headers(), signal }));
}

export async function post(path, body) {
  return answer(await fetch('/api/v1' + path, {
    method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) }));
}

/** Downloads an API answer as a file (the token travels in a header, so no plain link). */
export async function download(path, params, filename) {
  const response = await fetch('/api/v1' + path + query(params), { headers: headers() });
  if (!response.ok) await answer(response);
  const url = URL.createObjectURL(await response.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Server-sent events over fetch (EventSource cannot send the token): calls onEvent(name, data)
 * for each event until the returned controller is aborted.
 */
export function events(path, params, onEvent, onEnd) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await fetch('/api/v1' + path + query(params), { headers: headers(), signal: controller.signal });
      if (!response.ok) { await answer(response); return; }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
          let name = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (data) onEvent(name, data);
        }
      }
      onEnd && onEnd(null);
    } catch (e) {
      if (e.name !== 'AbortError') onEnd && onEnd(e);
    }
  })();
  return controller;
}
