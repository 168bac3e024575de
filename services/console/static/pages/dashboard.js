// The region's dashboard: a month of the funnel from suggestions to outcomes against the month before and the
// same month a year before, the conversion rates between stages, and the detail per agency, sector and month
// as a table and a CSV file. Counts only: no person is named. Months and changes come written in French from
// the API (GET /api/console/insights/month and /funnel).
import { api, download, failure, field, h, select, show, staffPage } from "../app.js";

await staffPage();
const wanted = new URLSearchParams(location.search).get("agency") || "";
const agency = select("agency", { "": "Toutes mes structures" }, "");
const month = select("month", {}, "");
const since = select("from", {}, "");
const until = select("to", {}, "");
const by = select("by", { "agency,sector,month": "Structure, secteur et mois", "agency,month": "Structure et mois",
  "sector": "Secteur", "agency": "Structure", "month": "Mois", "transition": "Mobilité choisie ou subie",
  "agency,transition": "Structure et mobilité", "month,transition": "Mois et mobilité" }, "agency,sector,month");
const summary = h("div", { "aria-live": "polite" });
const detail = h("div", { "aria-live": "polite" });
const chosenAgency = () => agency.value || wanted;
const detailQuery = () => ({ agency: chosenAgency(), from: since.value, to: until.value, by: by.value });

// the stages whose labels share their first words, said once above them in the table's head
const GROUPS = { "Mises en relation": ["introductions", "accepted"], "Projets": ["confirmed", "adjusted", "dropped"] };
const groupOf = (stage) => Object.keys(GROUPS).find((name) => GROUPS[name].includes(stage));

// A bar's length on a log scale, so that 3 meetings stay visible beside 400 suggestions; 0 draws no bar
const barWidth = (value, top) => (value > 0 ? Math.max(3, (100 * Math.log10(1 + value)) / Math.log10(1 + top)) : 0);

function chart(title, entries) {
  const top = Math.max(1, ...entries.map(([, value]) => value));
  return h("figure", { class: "card" }, h("figcaption", {}, h("h2", {}, title)),
    h("div", { class: "chart", role: "list" }, entries.map(([label, value]) => h("div", { class: "bar-row", role: "listitem" },
      h("span", {}, label),
      h("span", { class: "track", "aria-hidden": "true" },
        value > 0 ? h("span", { class: "fill", style: `width:${barWidth(value, top)}%` }) : ""),
      h("strong", { class: "num" }, String(value))))),
    h("p", { class: "hint" }, "Barres sur une échelle logarithmique, pour que les petites étapes restent visibles : "
      + "le nombre exact est écrit au bout de chaque barre."));
}

// Rows of [label, values of the three months, change against the month before, against a year before]
function comparisonTable(caption, first, periods, rows, hint) {
  const [now, previous, lastYear] = periods.map((p) => p.label);
  return h("div", { class: "card" }, h("table", { class: "stack compare" },
    h("caption", {}, h("h2", {}, caption)),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, first), h("th", { scope: "col", class: "num" }, now),
      h("th", { scope: "col", class: "num" }, previous), h("th", { scope: "col", class: "num" }, `Évolution depuis ${previous}`),
      h("th", { scope: "col", class: "num" }, lastYear), h("th", { scope: "col", class: "num" }, `Évolution depuis ${lastYear}`))),
    h("tbody", {}, rows.map(([label, values, versusPrevious, versusLastYear]) => h("tr", {},
      h("th", { scope: "row" }, label),
      h("td", { class: "num", "data-label": now }, values[0]), h("td", { class: "num", "data-label": previous }, values[1]),
      h("td", { class: "num", "data-label": `Évolution depuis ${previous}` }, versusPrevious),
      h("td", { class: "num", "data-label": lastYear }, values[2]),
      h("td", { class: "num", "data-label": `Évolution depuis ${lastYear}` }, versusLastYear))))),
    hint ? h("p", { class: "hint" }, hint) : "");
}

function showMonth(reading) {
  const [now] = reading.periods;
  summary.replaceChildren(
    chart(`De la suggestion à l'issue, ${now.label}`, reading.stages.map((s) => [s.label, s.counts[0]])),
    comparisonTable("Taux de passage d'une étape à la suivante", "Passage", reading.periods,
      reading.rates.map((r) => [r.label, r.rates.map((rate) => rate.text), r.versus_previous, r.versus_last_year]),
      "Chaque taux rapporte les étapes franchies dans le mois à celles de l'étape d'avant dans le même mois : "
      + "il peut dépasser 100 %. « — » : rien à rapporter, l'étape d'avant compte 0."),
    comparisonTable("Chiffres du mois et évolution", "Étape", reading.periods,
      reading.stages.map((s) => [s.label, s.counts.map(String), s.versus_previous.text, s.versus_last_year.text])));
}

function detailTable(funnel) {
  const stages = Object.keys(funnel.stages);
  const grouped = by.value.split(",");
  const keys = [["month", "Mois", (row) => row.month_label], ["agency", "Structure", (row) => row.agency_name],
    ["sector", "Secteur", (row) => row.sector_label], ["transition", "Mobilité", (row) => row.transition_label]]
    .filter(([key]) => grouped.includes(key));
  const top = [], below = [];
  for (const stage of stages) {
    const group = groupOf(stage);
    if (!group) top.push(h("th", { scope: "col", class: "num", rowspan: "2" }, funnel.stages[stage]));
    else if (GROUPS[group][0] === stage) top.push(h("th", { scope: "colgroup", colspan: String(GROUPS[group].length) }, group));
    if (group) below.push(h("th", { scope: "col", class: "num" }, funnel.stages[stage].slice(group.length + 1)));
  }
  return h("div", { class: "table-wrap" }, h("table", { class: "stack detail" },
    h("caption", { class: "visually-hidden" }, "Détail des chiffres"),
    h("thead", {}, h("tr", {}, keys.map(([, label]) => h("th", { scope: "col", rowspan: "2" }, label)), top), h("tr", {}, below)),
    h("tbody", {}, funnel.rows.map((row) => h("tr", {},
      keys.map(([, label, value]) => h("td", { "data-label": label }, value(row))),
      stages.map((s) => h("td", { class: "num", "data-label": funnel.stages[s] }, String(row.counts[s]))))))));
}

function fill(control, options, chosen) {
  control.replaceChildren(...Object.entries(options).map(([value, label]) => h("option", { value, selected: value === chosen }, label)));
}

async function loadMonth() {
  try {
    const reading = await api("console", "/insights/month", { query: { agency: chosenAgency(), month: month.value } });
    if (agency.options.length === 1) {
      for (const [id, name] of Object.entries(reading.agencies)) agency.append(h("option", { value: id, selected: id === wanted }, name));
    }
    const chosen = reading.periods[0].month;
    if (!month.options.length) fill(month, reading.months, chosen);
    fill(since, reading.months, chosen);
    fill(until, reading.months, chosen);
    showMonth(reading);
    return true;
  } catch (error) {
    summary.replaceChildren(failure(error));
    return false;
  }
}

async function loadDetail() {
  try {
    const funnel = await api("console", "/insights/funnel", { query: detailQuery() });
    detail.replaceChildren(funnel.rows.length ? detailTable(funnel) : h("p", {}, "Rien à compter sur cette période."));
  } catch (error) {
    detail.replaceChildren(failure(error));
  }
}

const form = h("form", { class: "card row" }, field("Structure", agency), field("Mois", month),
  h("button", { type: "submit" }, "Afficher"));
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (await loadMonth()) await loadDetail();
});
const detailForm = h("form", { class: "row" }, field("Du mois", since), field("Au mois", until), field("Regrouper par", by),
  h("button", { type: "submit" }, "Afficher le détail"),
  h("button", { type: "button", class: "secondary",
    onclick: () => download("console", "/insights/funnel.csv", "parcours-tableau-de-bord.csv", detailQuery())
      .catch((error) => detail.prepend(failure(error))) }, "Exporter (CSV)"));
detailForm.addEventListener("submit", (event) => { event.preventDefault(); loadDetail(); });
show(h("p", { class: "muted" }, "Des nombres seulement : aucune donnée personnelle."), form, summary,
  h("section", { class: "card", "aria-labelledby": "detail-title" }, h("h2", { id: "detail-title" }, "Détail par structure, secteur, mois ou mobilité"),
    detailForm, detail));
if (await loadMonth()) await loadDetail();
