// The region's dashboard: the funnel from suggestions to outcomes, per agency, sector and month, as charts,
// a table and a CSV file. Counts only: no person is named.
import { api, download, failure, field, h, input, select, show, staffPage } from "../app.js";

await staffPage();
const agency = select("agency", { "": "Toutes mes structures" }, "");
const wanted = new URLSearchParams(location.search).get("agency") || "";
const since = input("from", { type: "month" });
const until = input("to", { type: "month" });
const by = select("by", { "agency,sector,month": "Structure, secteur et mois", "agency,month": "Structure et mois",
  "sector": "Secteur", "agency": "Structure", "month": "Mois" }, "agency,sector,month");
const result = h("div", { "aria-live": "polite" });
const query = () => ({ agency: agency.value, from: since.value, to: until.value, by: by.value });

function chart(title, entries) {
  const top = Math.max(1, ...entries.map(([, value]) => value));
  return h("figure", { class: "card" }, h("figcaption", {}, h("h2", {}, title)),
    h("div", { class: "chart", role: "list" }, entries.map(([label, value]) => h("div", { class: "bar-row", role: "listitem" },
      h("span", {}, label),
      h("span", { class: "track", "aria-hidden": "true" }, h("span", { class: "fill", style: `display:block;width:${(100 * value) / top}%` })),
      h("strong", { class: "num" }, String(value))))));
}

function tableOf(funnel) {
  const stages = Object.keys(funnel.stages);
  return h("div", { class: "table-wrap card", tabindex: "0", role: "region", "aria-label": "Détail des chiffres" }, h("table", { class: "stack" },
    h("caption", {}, "Détail"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Mois"), h("th", { scope: "col" }, "Structure"), h("th", { scope: "col" }, "Secteur"),
      stages.map((s) => h("th", { scope: "col", class: "num" }, funnel.stages[s])))),
    h("tbody", {}, funnel.rows.map((row) => h("tr", {},
      h("td", { "data-label": "Mois" }, row.month === "*" ? "Tous" : row.month),
      h("td", { "data-label": "Structure" }, row.agency_name), h("td", { "data-label": "Secteur" }, row.sector_label),
      stages.map((s) => h("td", { class: "num", "data-label": funnel.stages[s] }, String(row.counts[s]))))))));
}

async function load() {
  try {
    const funnel = await api("console", "/insights/funnel", { query: { ...query(), agency: agency.value || wanted } });
    if (agency.options.length === 1) {
      for (const [id, name] of Object.entries(funnel.agencies)) agency.append(h("option", { value: id, selected: id === wanted }, name));
    }
    const perAgency = {};
    for (const row of funnel.rows) perAgency[row.agency_name] = (perAgency[row.agency_name] || 0) + row.counts.introductions;
    result.replaceChildren(
      chart("De la suggestion à l'issue", Object.entries(funnel.stages).map(([stage, label]) => [label, funnel.totals[stage]])),
      by.value.includes("agency") ? chart("Mises en relation par structure", Object.entries(perAgency)) : "",
      funnel.rows.length ? tableOf(funnel) : h("p", {}, "Rien à compter sur cette période."));
  } catch (error) {
    result.replaceChildren(failure(error));
  }
}

const form = h("form", { class: "card row" }, field("Structure", agency), field("Du mois", since), field("Au mois", until),
  field("Regrouper par", by), h("button", { type: "submit" }, "Afficher"),
  h("button", { type: "button", class: "secondary",
    onclick: () => download("console", "/insights/funnel.csv", "parcours-tableau-de-bord.csv", query()) }, "Exporter (CSV)"));
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
show(h("p", { class: "muted" }, "Des nombres seulement : aucune donnée personnelle."), form, result);
await load();
