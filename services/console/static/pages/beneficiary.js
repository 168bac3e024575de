// A beneficiary: who they are, their ranked peers with the reasons, each peer's lived path as a timeline,
// dismiss or propose an introduction; their introductions and immersions.
import { api, dateFr, failure, field, h, onSubmit, select, setTitle, show, staffPage, toast } from "../app.js";
import { INTRODUCTION_STATUS, LEVELS, MODES, PEER_KINDS, PURPOSES, SITUATIONS, TRANSITIONS, jobOf, placeOf } from "../labels.js";
import { reasonText, timeline } from "../path.js";
import { agreementBox, proposalSent } from "../agreement.js";
import { beneficiaryGatherings } from "../gatherings.js";

await staffPage();
const id = location.pathname.split("/")[3];
const suggestionsBox = h("section", { id: "suggestions", "aria-labelledby": "suggestions-title" });
const introductionsBox = h("section", { "aria-labelledby": "introductions-title" });
const conventionsBox = h("section", { "aria-labelledby": "conventions-title" });

let b;
try {
  b = await api("profiles", `/beneficiaries/${id}`);
} catch (error) {
  show(failure(error));
  throw error;
}
const name = `${b.identity.first_name} ${b.identity.last_name}`;
setTitle(name);

function summary() {
  const p = b.project;
  return h("section", { class: "card", "aria-label": "Résumé" },
    h("p", {}, SITUATIONS[p.situation], " · ", LEVELS[p.education_level], b.minor ? " · mineur" : ""),
    h("p", {}, "Métier visé : ", p.target_jobs.map((code, n) => [n ? ", " : "", jobOf(b.labels, code)])),
    h("p", {}, "Commune : ", placeOf(b.labels, p.place_id) || "non renseignée", " · déplacement jusqu'à ", `${p.mobility_km} km`),
    h("p", {}, "Rencontres : ", p.meeting_modes.map((m) => MODES[m]).join(", ")),
    h("p", {}, "Transition en cours : ", p.transition
      ? `${TRANSITIONS[p.transition.kind].toLowerCase()}${p.transition.reason ? ` (${reasonText(p.transition.reason)})` : ""}`
      : "non renseignée"),
    p.previous_steps?.length
      ? h("div", {}, h("h2", {}, "Parcours avant l'accompagnement"), timeline(p.previous_steps, b.labels)) : null,
    b.matching_consent ? null : h("p", { class: "tag warn" }, "Pas de consentement à la mise en relation : aucune suggestion."),
    b.path?.length ? h("div", {}, h("h2", {}, "Étapes vécues pendant l'accompagnement"), timeline(b.path, b.labels)) : null,
    h("div", { class: "actions" },
      h("a", { class: "button secondary", href: `/console/beneficiaries/${id}/edit` }, "Modifier"),
      h("a", { class: "button secondary", href: `/console/conventions/new?beneficiary=${id}` }, "Préparer une immersion PMSMP")));
}

function proposal(peer) {
  const purpose = select("purpose", PURPOSES, "job_inquiry");
  const message = h("textarea", { name: "message", maxlength: 2000 });
  const submit = h("button", { type: "submit" }, "Envoyer la demande");
  const agreement = agreementBox();
  const form = h("form", { class: "card", novalidate: true },
    field("Objet de la rencontre", purpose),
    field("Message pour le pair", message, { hint: "Sans nom ni coordonnées : le pair les découvre s'il accepte." }),
    agreement.element,
    h("div", { class: "actions" }, submit));
  onSubmit(form, async (event) => {
    await api("matching", `/beneficiaries/${id}/introductions`, { method: "POST",
      body: { peer_id: peer.peer_id, purpose: purpose.value, message: message.value, beneficiary_agreed: agreement.agreed() } });
    form.replaceWith(h("p", { class: "notice", role: "status" }, proposalSent(agreement.agreed())));
    toast(agreement.agreed() ? "Demande de mise en relation envoyée." : "Demande préparée, en attente d'accord.");
    loadIntroductions();
  });
  return form;
}

function suggestionCard(rank, suggestion, peer) {
  const title = peer ? `${peer.first_name} ${peer.last_name}` : "Pair";
  const details = h("div", { hidden: true, id: `path-${suggestion.peer_id}` },
    peer?.testimony ? h("blockquote", {}, peer.testimony) : null, peer ? timeline(peer.path, peer.labels) : null);
  const toggle = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": details.id,
    onclick: () => {
      details.hidden = !details.hidden;
      toggle.setAttribute("aria-expanded", String(!details.hidden));
    } }, "Voir son parcours");
  const slot = h("div");
  const propose = h("button", { type: "button", onclick: () => { slot.replaceChildren(proposal(suggestion)); slot.querySelector("select").focus(); } },
    "Proposer une rencontre");
  const dismiss = h("button", { type: "button", class: "secondary", onclick: async () => {
    if (!confirm(`Ne plus suggérer ${title} pour ${name} ?`)) return;
    await api("matching", `/beneficiaries/${id}/suggestions/${suggestion.peer_id}/dismiss`, { method: "POST" });
    toast(`${title} ne sera plus suggéré.`);
    loadSuggestions();
  } }, "Écarter");
  return h("li", { class: "card" },
    h("h3", {}, `${rank}. ${title}`, " ", h("span", { class: "tag" }, PEER_KINDS[peer?.kind] || ""),
      peer?.paused ? h("span", { class: "tag warn" }, " en pause") : null),
    h("p", { class: "where" }, suggestion.town ? `${suggestion.town}` : "Commune non indiquée",
      suggestion.distance_km !== null && suggestion.distance_km !== undefined ? ` · à ${suggestion.distance_km} km` : "",
      suggestion.meeting_modes?.length ? ` · ${suggestion.meeting_modes.map((m) => MODES[m] || m).join(", ")}` : ""),
    suggestion.note ? h("p", { class: "tag note" }, suggestion.note) : null,
    h("p", { class: "muted" }, `Score ${Math.round(suggestion.score * 100)} / 100`),
    h("ul", { class: "reasons", "aria-label": "Pourquoi ce pair" }, suggestion.reasons.map((r) => h("li", {}, r))),
    h("div", { class: "actions" }, toggle, h("a", { href: `/console/peers/${suggestion.peer_id}` }, "Fiche du pair"), propose, dismiss),
    details, slot);
}

// One story is not the truth: said once above the peers, whose list mixes kinds of paths when it can
const READING_NOTE = () => h("p", { class: "reading-note" },
  "Chaque pair raconte son parcours : une expérience parmi d'autres, pas la vérité du métier. La liste mêle, "
  + "quand c'est possible, des chemins différents (reconversion ou voie directe, choisie ou subie) : comparez-les "
  + "avec la personne avant de choisir.");

async function loadSuggestions(attempt = 0, refresh = false) {
  if (!attempt && !refresh) suggestionsBox.replaceChildren(h("h2", { id: "suggestions-title" }, "Pairs suggérés"), h("p", {}, "Recherche des pairs…"));
  try {
    const found = await api("matching", `/beneficiaries/${id}/suggestions`).catch((error) => {
      // a beneficiary just registered reaches matching a moment later
      if (error.status === 404 && attempt < 30) return new Promise((resolve) => setTimeout(() => resolve(loadSuggestions(attempt + 1)), 1000)).then(() => null);
      throw error;
    });
    if (found === null) return;
    const peers = await Promise.all(found.map((s) => api("profiles", `/peers/${s.peer_id}`).catch(() => null)));
    suggestionsBox.replaceChildren(h("h2", { id: "suggestions-title" }, "Pairs suggérés"),
      found.length ? READING_NOTE() : null,
      found.length ? h("ol", { class: "grid", style: "list-style:none;padding:0" }, found.map((s, i) => suggestionCard(i + 1, s, peers[i])))
        : h("p", {}, "Aucun pair ne correspond encore. Les suggestions arrivent d'elles-mêmes quand un pair est publié."));
  } catch (error) {
    suggestionsBox.replaceChildren(h("h2", { id: "suggestions-title" }, "Pairs suggérés"), failure(error));
  }
}

// What each meeting taught and changed to the project (the debrief), kept beside the project
function debriefOf(i) {
  const given = i.feedback.beneficiary;
  if (!given?.took_place || !(given.project_effect_label || given.comment)) return null;
  return h("p", { class: "debrief" }, h("strong", {}, given.project_effect_label || "Après la rencontre"),
    given.comment ? ` : « ${given.comment} »` : "");
}

async function loadIntroductions() {
  const found = await api("matching", "/introductions", { query: { beneficiary_id: id } }).catch(() => []);
  introductionsBox.replaceChildren(h("h2", { id: "introductions-title" }, "Mises en relation"),
    found.length ? h("ul", {}, found.map((i) => h("li", {}, `${PURPOSES[i.purpose]} · ${INTRODUCTION_STATUS[i.status] || i.status} · proposée le ${dateFr(i.proposed_at)} `,
      h("a", { href: `/console/introductions/${i.introduction_id}` }, "suivre"), debriefOf(i)))) : h("p", {}, "Aucune pour l'instant."));
}

async function loadConventions() {
  const found = await api("placements", "/conventions", { query: { beneficiary_id: id } }).catch(() => []);
  conventionsBox.replaceChildren(h("h2", { id: "conventions-title" }, "Immersions PMSMP"),
    found.length ? h("ul", {}, found.map((c) => h("li", {}, h("a", { href: `/console/conventions/${c.convention_id}` },
      `${c.terms.host.name} · du ${dateFr(c.terms.start_date)} au ${dateFr(c.terms.end_date)}`), ` · ${c.status_label}`)))
      : h("p", {}, "Aucune pour l'instant."));
}

show(summary(), suggestionsBox, introductionsBox, beneficiaryGatherings(id), conventionsBox);
document.addEventListener("parcours:notification", (event) => {
  if (event.detail.subject_id === id || event.detail.url?.includes(id)) loadSuggestions(0, true);
});
await Promise.all([loadSuggestions(), loadIntroductions(), loadConventions()]);
if (location.hash === "#suggestions") suggestionsBox.scrollIntoView();
