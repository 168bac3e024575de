// The PMSMP board: conventions by stage, who still has to act on each.
import { api, dateFr, download, failure, field, h, select, show, staffPage } from "../app.js";
import { PARTIES } from "../labels.js";

await staffPage();
const COLUMNS = [
  ["Brouillons", ["draft"]],
  ["Chez l'entreprise d'accueil", ["sent_to_employer"]],
  ["Signatures en cours", ["confirmed_by_employer", "partially_signed"]],
  ["À valider", ["signed", "pre_validated"]],
  ["Validées", ["validated"]],
  ["En cours", ["in_progress"]],
  ["Bilan", ["completed", "assessment_submitted"]],
  ["Terminées", ["assessed"]],
  ["Arrêtées", ["declined_by_employer", "rejected", "cancelled", "expired", "renewed"]],
];
const waiting = select("waiting_for", { "": "Tout le monde", counsellor: "Moi (conseiller)", validator: "Le valideur",
  employer: "L'entreprise d'accueil", beneficiary: "Le bénéficiaire", tutor: "Le tuteur" }, new URLSearchParams(location.search).get("waiting_for") || "");
const board = h("div", { "aria-live": "polite" });
const SHOWN = 500; // the newest; the CSV export has them all

function item(c) {
  return h("li", {},
    h("a", { href: `/console/conventions/${c.convention_id}` }, `${c.terms.beneficiary.first_name} ${c.terms.beneficiary.last_name}`),
    h("br"), h("span", {}, c.terms.host.name),
    h("br"), h("span", { class: "muted" }, `du ${dateFr(c.terms.start_date)} au ${dateFr(c.terms.end_date)}`),
    c.waiting_for.length ? h("p", { class: "hint" }, "En attente de : ", c.waiting_for.map((w) => PARTIES[w] || w).join(", ")) : null);
}

async function load() {
  try {
    const all = await api("placements", "/conventions", { query: { waiting_for: waiting.value, limit: SHOWN } });
    const more = all.length === SHOWN
      ? [h("p", { class: "hint" }, `Les ${SHOWN} conventions les plus récentes sont affichées : l'export CSV les contient toutes.`)]
      : [];
    board.replaceChildren(...more, h("div", { class: "board" }, COLUMNS.map(([title, statuses]) => {
      const here = all.filter((c) => statuses.includes(c.status));
      const headingId = `col-${statuses[0]}`;
      return h("section", { "aria-labelledby": headingId }, h("h2", { id: headingId }, `${title} (${here.length})`),
        here.length ? h("ul", {}, here.map(item)) : h("p", { class: "muted" }, "Aucune"));
    })));
  } catch (error) {
    board.replaceChildren(failure(error));
  }
}
waiting.addEventListener("change", load);
document.addEventListener("parcours:notification", load);
show(h("div", { class: "card row" }, field("Qui doit agir", waiting),
  h("button", { type: "button", class: "secondary", onclick: () => download("placements", "/conventions/export.csv", "conventions.csv", { waiting_for: waiting.value }) },
    "Exporter (CSV)"),
  h("p", { class: "hint" }, "Pour créer une convention, ouvrez la page du bénéficiaire.")), board);
await load();
