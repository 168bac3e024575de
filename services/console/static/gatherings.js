// Forums, fairs, open days and information sessions where other pages show them: the gatherings a
// beneficiary is invited or registered to (their page), and those a peer may witness at (their link page).
import { api, failure, h } from "./app.js";
import { jobsOf, placeOf } from "./labels.js";

export const GATHERING_KINDS = { forum: "Forum", fair: "Salon", open_day: "Journée portes ouvertes en entreprise",
  information_session: "Réunion d'information" };

const where = (g) => `${g.address}, ${placeOf(g.labels, g.place_id)}`;

// On a beneficiary's page: where they are invited or registered, and whether they came
export function beneficiaryGatherings(beneficiaryId) {
  const box = h("section", { "aria-labelledby": "gatherings-title" }, h("h2", { id: "gatherings-title" }, "Forums et journées"));
  api("matching", `/beneficiaries/${beneficiaryId}/gatherings`).then((found) => {
    box.append(found.length ? h("ul", {}, found.map((g) => h("li", {},
      h("a", { href: `/console/gatherings/${g.gathering_id}` }, g.title), ` · ${g.kind_label} · ${g.when} · `,
      g.registered ? (g.present === null ? "inscrit(e)" : g.present ? "présent(e)" : "absent(e)") : "invité(e)")))
      : h("p", {}, "Aucune invitation pour l'instant."));
  }).catch((error) => box.append(failure(error)));
  return box;
}

// On a peer's link page: the gatherings to come for a job of their path, and coming to witness
export function witnessSection(linkPath) {
  const box = h("section", { class: "card", "aria-labelledby": "witness-title" },
    h("h2", { id: "witness-title" }, "Forums et journées où témoigner"));
  const list = h("ul", { class: "plain" });
  const load = async (done) => {
    const found = await api("matching", `${linkPath}/gatherings`, { token: null });
    list.replaceChildren(...found.map((g) => h("li", { class: "gathering" },
      h("h3", {}, g.title), h("p", {}, `${g.kind_label} · ${g.when}`), h("p", {}, where(g)),
      h("p", { class: "muted" }, "Pour votre métier : ", jobsOf(g.labels, g.your_jobs)),
      g.witnessing ? h("p", { class: "tag ok" }, "Vous venez témoigner")
        : h("button", { type: "button", onclick: async (event) => {
          event.target.disabled = true;
          await api("matching", `${linkPath}/gatherings/${g.gathering_id}/witness`, { method: "POST", token: null })
            .then(() => load("Merci ! L'organisateur est prévenu ; l'invitation arrive par e-mail."))
            .catch((error) => { event.target.disabled = false; box.append(failure(error)); });
        } }, `Je viens témoigner · ${g.title}`))));
    box.replaceChildren(box.firstChild, done ? h("p", { class: "notice", role: "status" }, done) : "",
      found.length ? list : h("p", {}, "Aucun événement à venir pour les métiers de votre parcours."));
  };
  load().catch((error) => box.append(failure(error)));
  return box;
}
