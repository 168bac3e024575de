// A validator's work: the conventions signed by every party that wait for the agency's validation.
import { api, dateFr, failure, h, show, staffPage } from "../app.js";

await staffPage();
const STEPS = { signed: "Signée par toutes les parties", pre_validated: "Pré-validée, à valider" };
const list = h("div", { "aria-live": "polite" });

async function load() {
  try {
    const waiting = await api("placements", "/conventions", { query: { waiting_for: "validator", limit: 200 } });
    list.replaceChildren(waiting.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Conventions à valider" },
      h("table", { class: "stack" }, h("caption", { class: "visually-hidden" }, "Conventions à valider"),
        h("thead", {}, h("tr", {}, ["Bénéficiaire", "Entreprise d'accueil", "Dates", "Étape"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, waiting.map((c) => h("tr", {},
          h("td", { "data-label": "Bénéficiaire" }, h("a", { href: `/console/conventions/${c.convention_id}` },
            `${c.terms.beneficiary.first_name} ${c.terms.beneficiary.last_name}`)),
          h("td", { "data-label": "Entreprise d'accueil" }, c.terms.host.name),
          h("td", { "data-label": "Dates" }, `du ${dateFr(c.terms.start_date)} au ${dateFr(c.terms.end_date)}`),
          h("td", { "data-label": "Étape" }, STEPS[c.status] || c.status_label || ""))))))
      : h("p", { class: "card" }, "Aucune convention n'attend votre validation."));
  } catch (error) {
    list.replaceChildren(failure(error));
  }
}
document.addEventListener("parcours:notification", load);
show(h("p", { class: "muted" }, "Ouvrez une convention pour vérifier ses limites légales puis la valider ou la refuser."),
  list, h("p", {}, h("a", { href: "/console/conventions" }, "Toutes les immersions PMSMP")));
await load();
