// Parcours console: what every script needs, the pages through app.js and the notification area alike —
// the session, the API through the one address, building elements safely (text only, never HTML from
// data), a passing message, and dates as people in France read them.

// The session lives in localStorage, shared by the tabs: a short-lived access token (15 minutes) and the
// refresh token that renews it (used once, rotated; revoked at logout and when the account is closed).
const TOKEN = "parcours.token";
const REFRESH = "parcours.refresh";
const EXPIRES = "parcours.expires";
const RENEW_BEFORE_MS = 60_000;

// An API's refusal, in the one shape every service answers: a stable `code`, the `field` it is about
// (a dotted path, or null) and a French `message`; a 422 lists every problem in `errors`, each in the same
// shape. Built from such a body, or from a French sentence of the console's own.
export class ApiError extends Error {
  constructor(status, body) {
    const shaped = body && typeof body === "object" && !Array.isArray(body) && typeof body.message === "string";
    super(shaped ? body.message : typeof body === "string" && body ? body : "La demande n'a pas abouti.");
    this.status = status;
    this.code = shaped ? body.code : null;
    this.field = shaped ? body.field ?? null : null;
    const errors = shaped && Array.isArray(body.errors) ? body.errors : [];
    this.errors = errors.length || !this.field ? errors : [{ code: this.code, field: this.field, message: this.message }];
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN); },
  set token(value) { value ? localStorage.setItem(TOKEN, value) : localStorage.removeItem(TOKEN); },
  get refreshToken() { return localStorage.getItem(REFRESH); },
  get expiresAt() { return Number(localStorage.getItem(EXPIRES) || 0); },
  start(tokens) {
    localStorage.setItem(TOKEN, tokens.access_token);
    localStorage.setItem(REFRESH, tokens.refresh_token);
    localStorage.setItem(EXPIRES, String(Date.now() + tokens.expires_in * 1000));
  },
  clear() { for (const key of [TOKEN, REFRESH, EXPIRES]) localStorage.removeItem(key); },
};

// Renews the session once for every caller waiting at the same moment, and once for every tab (a lock:
// a refresh token presented twice would end the session); a tab that finds the tokens already renewed
// by another uses them. True when renewed, false when the session is over, null when offline.
let renewing = null;
export function renewSession() {
  if (!renewing) {
    const used = session.refreshToken;
    const renew = () => renewWith(used);
    renewing = (navigator.locks ? navigator.locks.request("parcours.refresh", renew) : renew())
      .finally(() => { renewing = null; });
  }
  return renewing;
}

async function renewWith(used) {
  if (!used) return false;
  if (session.refreshToken !== used) return Boolean(session.refreshToken);
  let answer;
  try {
    answer = await fetch("/api/profiles/auth/refresh", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: used }),
    });
  } catch {
    return null;
  }
  if (!answer.ok) {
    if (answer.status === 401) session.clear();
    return answer.status === 401 ? false : null;
  }
  session.start(await answer.json());
  return true;
}

// The session's access token, renewed first when it ends within a minute
export async function freshToken() {
  if (session.refreshToken && session.expiresAt - Date.now() < RENEW_BEFORE_MS) await renewSession();
  return session.token;
}

export async function signOut() {
  const refresh = session.refreshToken;
  session.clear();
  if (refresh) {
    await fetch("/api/profiles/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    }).catch(() => {});
  }
}

function toLogin() {
  session.clear();
  location.assign(`/console/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  return new ApiError(401, "Votre session a expiré : reconnectez-vous.");
}

// `token`: the session's (renewed silently) unless given; null for the pages of secure links
export async function api(service, path, { method = "GET", body, query, token } = {}) {
  const url = new URL(`/api/${service}${path}`, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const ours = token === undefined;
  const send = async (bearer) => {
    const headers = { Accept: "application/json" };
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "Le service ne répond pas. Vérifiez votre connexion et réessayez.");
    }
  };
  let answer = await send(ours ? await freshToken() : token);
  if (answer.status === 401 && ours && session.refreshToken) {
    const renewed = await renewSession();
    if (renewed === null) throw new ApiError(0, "Le service ne répond pas. Vérifiez votre connexion et réessayez.");
    if (renewed) answer = await send(session.token);
  }
  if (answer.status === 401 && ours && document.body.dataset.staff === "true") throw toLogin();
  const data = answer.headers.get("content-type")?.includes("json") ? await answer.json() : await answer.text();
  if (!answer.ok) throw new ApiError(answer.status, typeof data === "object" ? data : undefined);
  return data;
}

// h("p", {class: "x"}, "text", child): an element; strings become text nodes, never markup
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function toast(text, href) {
  const box = document.getElementById("toasts");
  const item = h("div", { class: "toast" }, href ? h("a", { href }, text) : text);
  box.append(item);
  setTimeout(() => item.remove(), 8000);
}

// "1er janvier 2027", "15 mars 2027": the first of the month is written 1er
export const dateFr = (value) => value ? new Date(value.length === 10 ? `${value}T12:00:00` : value)
  .toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" }).replace(/^1 /, "1er ") : "";
// "de Marc", "d'Ibrahim", "d'Hugo": the preposition before a name, elided before a vowel or a mute h
export const ofName = (name) => (/^[aeiouyhàâäéèêëîïôöùûüœ]/i.test(String(name).trim()) ? `d'${name}` : `de ${name}`);
export const timeFr = (value) => new Date(value).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
export const monthFr = (value) => value ? new Date(`${value}-01T12:00:00`).toLocaleDateString("fr-FR", { month: "long", year: "numeric" }) : "aujourd'hui";
