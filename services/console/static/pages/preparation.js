// The preparation sheet of an introduction: what the beneficiary prepares, by the meeting's purpose; printable.
import { api, failure, h, show, staffPage } from "../app.js";
import { PURPOSES } from "../labels.js";

await staffPage();
const introductionId = location.pathname.split("/")[3];

try {
  const sheet = await api("matching", `/introductions/${introductionId}/preparation`);
  document.title = `${sheet.title} · Parcours`;
  show(h("article", { class: "card sheet" },
    h("p", { class: "muted" }, `${PURPOSES[sheet.purpose]} · métier visé : ${sheet.target_job_label}`),
    h("h2", {}, sheet.title),
    h("p", {}, sheet.why),
    ...sheet.sections.map((section) => h("section", {}, h("h3", {}, section.title), h("ul", {}, section.items.map((item) => h("li", {}, item))))),
    h("div", { class: "actions no-print" },
      h("button", { type: "button", onclick: () => window.print() }, "Imprimer la fiche"),
      h("a", { class: "button secondary", href: `/console/introductions/${introductionId}` }, "Retour à la mise en relation"))));
} catch (error) {
  show(failure(error));
}
