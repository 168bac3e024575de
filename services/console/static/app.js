// Parcours console: what every page shares — what common.js holds (the session, the API, elements built
// safely, messages, dates), forms whose errors sit on their fields, and the staff pages' frame with its
// live notification area (inbox.js).
import { ApiError, api, freshToken, h, session, signOut, toast } from "./common.js";
import { startInbox } from "./inbox.js";
import { allowed, landing } from "./roles.js";

export { ApiError, api, dateFr, h, monthFr, ofName, session, timeFr, toast } from "./common.js";

export function show(...nodes) {
  const page = document.getElementById("page");
  page.replaceChildren(...nodes.flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false && node !== ""));
  page.setAttribute("aria-busy", "false");
}

export function setTitle(text) {
  document.getElementById("title").textContent = text;
  document.title = `${text} · Parcours`;
}


export function failure(error) {
  return h("div", { class: "errors", role: "alert" }, h("p", {}, describe(error)));
}

// What a person reads of a refusal: the API's French message (never a code, never English)
export function describe(error) {
  if (!(error instanceof ApiError)) return "Une erreur inattendue est survenue. Réessayez.";
  if (error.errors.length > 1) return "Certains champs sont à corriger.";
  return error.message;
}

// A form field: label tied to its input, an optional hint, and a slot for its error
let fieldCount = 0;
export function field(label, control, { hint, name } = {}) {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  if (name) control.name = name;
  const hintNode = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field", dataset: { field: control.name || "" } }, h("label", { for: id }, label), hintNode, control);
}

export function input(name, attributes = {}) {
  return h("input", { name, type: "text", ...attributes });
}

export function select(name, options, chosen, attributes = {}) {
  return h("select", { name, ...attributes },
    Object.entries(options).map(([value, label]) => h("option", { value, selected: value === chosen }, label)));
}

export function choices(legend, name, options, chosen = [], type = "checkbox") {
  return h("fieldset", { dataset: { field: name } }, h("legend", {}, legend),
    Object.entries(options).map(([value, label]) =>
      h("label", { class: "inline" }, h("input", { type, name, value, checked: chosen.includes(value) }), label)));
}

// A form's submission: required fields checked first, the button busy meanwhile, any refusal shown on
// the fields it names
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.submitter || form.querySelector('[type="submit"]');
    busy(button, true);
    try {
      const incomplete = missing(form);
      if (incomplete) throw incomplete;
      await action(event);
    } catch (error) {
      showErrors(form, error);
    } finally {
      busy(button, false);
    }
  });
}

// A refusal's messages on the fields they name (`field`, a dotted path matched by its last parts), and a
// summary that takes the focus; a refusal about no field of the form goes to the summary and a toast
export function showErrors(form, error) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    described.length ? node.setAttribute("aria-describedby", described.join(" ")) : node.removeAttribute("aria-describedby");
  });
  form.querySelector(".errors")?.remove();
  const problems = error instanceof ApiError ? error.errors.filter((problem) => problem.field) : [];
  const placed = problems.some((problem) => findField(form, problem.field));
  const summary = h("div", { class: "errors", role: "alert", tabindex: "-1" },
    h("p", {}, placed ? "Le formulaire contient des erreurs :" : describe(error)));
  if (!placed) toast(describe(error));
  const list = h("ul");
  for (const problem of placed ? problems : []) {
    const path = problem.field;
    const text = problem.message;
    const target = findField(form, path);
    if (target) {
      const control = target.matches("fieldset") ? target.querySelector("input") : target.querySelector("input, select, textarea");
      const errorId = `${control.id || control.name}-error`;
      target.append(h("p", { class: "field-error", id: errorId }, text));
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), errorId].filter(Boolean).join(" "));
      const label = target.querySelector("label, legend")?.textContent || path;
      list.append(h("li", {}, h("a", { href: `#${control.id}` }, `${label} : ${text}`)));
    } else {
      list.append(h("li", {}, path ? `${path} : ${text}` : text));
    }
  }
  if (placed) summary.append(list);
  form.prepend(summary);
  summary.focus();
}

function findField(form, path) {
  const parts = String(path || "").replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join(".");
    const found = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (found) return found;
  }
  return null;
}

export function values(form) {
  const data = new FormData(form);
  const out = {};
  for (const key of new Set(data.keys())) {
    const all = data.getAll(key);
    const multiple = form.querySelectorAll(`[name="${CSS.escape(key)}"][type="checkbox"]`).length > 1;
    out[key] = multiple ? all : all[0];
  }
  return out;
}

export function busy(button, working) {
  button.disabled = working;
  button.setAttribute("aria-busy", String(working));
}

// A file from an API that needs the token (CSV, PDF): fetched, then handed to the browser to save
export async function download(service, path, filename, query = {}) {
  const url = new URL(`/api/${service}${path}`, location.origin);
  for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
  const answer = await fetch(url, { headers: { Authorization: `Bearer ${await freshToken()}` } });
  if (!answer.ok) throw new ApiError(answer.status, await answer.json().catch(() => undefined));
  h("a", { href: URL.createObjectURL(await answer.blob()), download: filename }).click();
}


// Autocomplete of ROME jobs or places: a text input with a suggestion list (datalist) filled as one types;
// the chosen entry's code goes into a hidden field.
export function autocomplete(name, label, { search, describe: text, initial = "", initialLabel = "", hint }) {
  const list = h("datalist", { id: `${name.replace(/[^\w-]/g, "-")}-options` });  // an id a CSS selector can name
  const hidden = h("input", { type: "hidden", name, value: initial });
  const box = h("input", { type: "text", list: list.id, autocomplete: "off", value: initialLabel || initial, dataset: { code: initial } });
  let found = new Map();
  let timer;
  box.addEventListener("input", () => {
    const chosen = found.get(box.value);
    hidden.value = chosen ? chosen : (/^[A-N]\d{4}$|^\d+$/.test(box.value.trim()) ? box.value.trim() : "");
    clearTimeout(timer);
    if (chosen || box.value.trim().length < 2) return;
    timer = setTimeout(async () => {
      try {
        const items = await search(box.value.trim());
        found = new Map(items.map((item) => [text(item), item.code || item.place_id]));
        list.replaceChildren(...[...found.keys()].map((value) => h("option", { value })));
      } catch { /* the field keeps what was typed; the server says if it is wrong */ }
    }, 150);
  });
  const wrapper = field(label, box, { hint: hint || "Tapez au moins deux lettres puis choisissez dans la liste." });
  wrapper.dataset.field = name;
  wrapper.append(list, hidden);
  return wrapper;
}

export const searchJobs = (q) => api("profiles", "/reference/jobs", { query: { q, limit: 10 } });
export const searchPlaces = (q) => api("profiles", "/reference/places", { query: { q, limit: 10 } });
export const jobText = (job) => `${job.label} (${job.code})`;
export const placeText = (place) => `${place.name} (${place.region})`;

export async function staffPage() {
  if (!session.token) {
    location.assign(`/console/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    return new Promise(() => {});
  }
  document.getElementById("logout").addEventListener("click", async () => {
    await signOut();
    location.assign("/console/login");
  });
  const me = await api("profiles", "/auth/me");
  if (!allowed(location.pathname, me.roles)) {  // not this role's page: to its own
    location.replace(landing(me.roles));
    return new Promise(() => {});
  }
  document.getElementById("who").textContent = me.name;
  const links = [...document.querySelectorAll(".bar nav a")];
  for (const link of links) {
    if (!allowed(link.getAttribute("href"), me.roles)) link.parentElement.remove();
  }
  const current = links.filter((link) => location.pathname.startsWith(link.getAttribute("href")))
    .sort((a, b) => b.getAttribute("href").length - a.getAttribute("href").length)[0];
  current?.setAttribute("aria-current", "page");
  document.querySelector(".bar nav").hidden = false;  // shown once it holds only the role's sections
  startInbox();
  return me;
}

// Required fields left empty, as the API would list them, so the form says so before sending anything
// A refusal the page makes itself before asking the API, on the field it is about, in the API's shape
export function refusedHere(field, message, code = "invalid_value") {
  return new ApiError(422, { code, field, message, errors: [{ code, field, message }] });
}

export function missing(form) {
  const empty = [...form.querySelectorAll("[required]")].filter((control) => !String(control.value).trim());
  if (!empty.length) return null;
  const errors = empty.map((control) => ({ code: "missing", field: control.name, message: "Ce champ est obligatoire." }));
  return new ApiError(422, { code: "invalid_input", field: errors[0].field, message: errors[0].message, errors });
}
