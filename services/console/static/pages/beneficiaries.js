import { api, failure, field, h, input, show, staffPage } from "../app.js";
import { SITUATIONS, jobOf } from "../labels.js";

await staffPage();
const params = new URLSearchParams(location.search);
const search = input("name", { type: "search", value: params.get("name") || "" });
const mine = h("input", { type: "checkbox", name: "mine", checked: params.get("mine") !== "false" });
const results = h("div", { "aria-live": "polite" });
const form = h("form", { role: "search", class: "card row" },
  field("Rechercher par nom", search, { name: "name" }),
  h("label", { class: "inline" }, mine, "Seulement mes bénéficiaires"),
  h("button", { type: "submit" }, "Rechercher"));

async function load() {
  try {
    const found = await api("profiles", "/beneficiaries", { query: { q: search.value.trim(), mine: mine.checked } });
    results.replaceChildren(found.length ? table(found) : h("p", {}, "Aucun bénéficiaire ne correspond."));
  } catch (error) {
    results.replaceChildren(failure(error));
  }
}

function table(found) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Liste des bénéficiaires" }, h("table", { class: "stack" },
    h("caption", { class: "visually-hidden" }, "Bénéficiaires"),
    h("thead", {}, h("tr", {}, ["Nom", "Situation", "Projet", "Statut"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, found.map((b) => h("tr", {},
      h("td", { "data-label": "Nom" }, h("a", { href: `/console/beneficiaries/${b.beneficiary_id}` },
        `${b.identity.first_name} ${b.identity.last_name}`), b.minor ? h("span", { class: "tag warn" }, " mineur") : null),
      h("td", { "data-label": "Situation" }, SITUATIONS[b.project.situation] || b.project.situation),
      h("td", { "data-label": "Projet" }, b.project.target_jobs.map((code, n) => [n ? ", " : "", jobOf(b.labels, code)])),
      h("td", { "data-label": "Statut" }, b.status === "active" ? "Suivi en cours" : "Suivi clos"))))));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?name=${encodeURIComponent(search.value)}&mine=${mine.checked}`);
  load();
});
show(h("div", { class: "actions" }, h("a", { class: "button", href: "/console/beneficiaries/new" }, "Nouveau bénéficiaire")),
  form, results);
await load();
