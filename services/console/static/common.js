// Parcours console: what every script needs, the pages through app.js and the notification area alike —
// the session, the API through the one address, building elements safely (text only, never HTML from
// data), a passing message, and dates as people in France read them.

const TOKEN = "parcours.token";

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : "La demande n'a pas abouti.");
    this.status = status;
    this.detail = detail;
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN); },
  set token(value) { value ? localStorage.setItem(TOKEN, value) : localStorage.removeItem(TOKEN); },
};

export async function api(service, path, { method = "GET", body, query, token = session.token } = {}) {
  const url = new URL(`/api/${service}${path}`, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let answer;
  try {
    answer = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "Le service ne répond pas. Vérifiez votre connexion et réessayez.");
  }
  if (answer.status === 401 && document.body.dataset.staff === "true") {
    session.token = null;
    location.assign(`/console/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, "Votre session a expiré : reconnectez-vous.");
  }
  const data = answer.headers.get("content-type")?.includes("json") ? await answer.json() : await answer.text();
  if (!answer.ok) throw new ApiError(answer.status, data?.detail ?? data);
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

export const dateFr = (value) => value ? new Date(value.length === 10 ? `${value}T12:00:00` : value)
  .toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" }) : "";
export const timeFr = (value) => new Date(value).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" });
export const monthFr = (value) => value ? new Date(`${value}-01T12:00:00`).toLocaleDateString("fr-FR", { month: "long", year: "numeric" }) : "aujourd'hui";
