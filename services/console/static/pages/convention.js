// One convention for the agency: its content, who has to act, and the steps the caller may take.

import { api, dateFr, download, failure, field, h, ofName, onSubmit, refusedHere, select, setTitle, show, staffPage, toast } from "../app.js";
import { ACTIONS, ATTENDANCE, CONCLUSIONS, DONE, OBJECTIVES, PARTIES, STOP_REASONS, WEEKDAYS, jobOf, placeOf } from "../labels.js";

const me = await staffPage();
const id = location.pathname.split("/")[3];
const STAFF_STEPS = ["send", "revise", "pre_validate", "validate", "reject", "cancel"];

const STOPPING = ["reject", "cancel"];
const CONFIRM = { reject: "Je confirme refuser cette convention : elle ne pourra plus être validée.",
  cancel: "Je confirme annuler cette convention : les parties en seront averties." };

function stepForm(action) {
  const needsReason = STOPPING.includes(action);
  const reason = needsReason ? select("reason", STOP_REASONS, "other") : null;
  const note = needsReason ? h("textarea", { name: "note" }) : null;
  const sure = needsReason ? h("input", { type: "checkbox", name: "confirm", required: true }) : null;
  const submit = h("button", { type: "submit", class: needsReason ? "danger" : "" }, ACTIONS[action]);
  const form = h("form", { class: needsReason ? "card" : "", novalidate: true },
    needsReason ? field("Motif", reason) : null, needsReason ? field("Précision", note) : null,
    needsReason ? h("div", { class: "field", dataset: { field: "confirm" } }, h("label", { class: "inline" }, sure, CONFIRM[action])) : null,
    submit);
  onSubmit(form, async (event) => {
    if (sure && !sure.checked) throw refusedHere("confirm", "Cochez la case pour confirmer.");
    await api("placements", `/conventions/${id}/${action}`, { method: "POST",
      body: needsReason ? { reason: reason.value, note: note.value } : {} });
    toast(`${ACTIONS[action]} : fait.`);
    await load();
  });
  return form;
}

const yes = (ok) => h("span", { class: ok ? "tag ok" : "tag warn" }, ok ? "conforme" : "à vérifier");
const hours = (value) => `${String(value).replace(".", ",")} h`;

// The legal limits (Code du travail, D5135-3) summed up where the validator decides
function legalChecks(legal) {
  const within = legal.within_limits;
  return h("section", { class: "card legal", "aria-labelledby": "legal-title" },
    h("h2", { id: "legal-title" }, "Vérifications légales"),
    h("ul", {},
      h("li", {}, `Jours chez cette entreprise sur 12 mois : ${legal.days_with_host} sur ${legal.max_days_with_host} au plus `, yes(within.days)),
      h("li", {}, `Conventions avec cette entreprise sur 12 mois : ${legal.conventions_with_host} sur ${legal.max_conventions_with_host} au plus `, yes(within.conventions)),
      h("li", {}, `Durée : ${legal.duration_days} jours, un mois au plus de date à date `, yes(within.duration)),
      h("li", {}, `Horaires : ${hours(legal.hours_per_week)} par semaine (${hours(legal.max_hours_per_week)} au plus), `,
        `${hours(legal.longest_day)} la journée la plus longue (${hours(legal.max_hours_per_day)} au plus) `, yes(within.hours)),
      h("li", {}, `Renouvellement : ${legal.renewal}`)));
}

async function pdf() {
  await download("placements", `/conventions/${id}/pdf`, `convention-${id}.pdf`).catch((error) => toast(error.message));
}

async function load() {
  let c;
  try {
    c = await api("placements", `/conventions/${id}`);
  } catch (error) {
    show(failure(error));
    return;
  }
  const t = c.terms;
  setTitle(`Convention ${ofName(`${t.beneficiary.first_name} ${t.beneficiary.last_name}`)}`);
  const steps = c.your_actions.filter((a) => STAFF_STEPS.includes(a));
  const going = steps.filter((a) => !STOPPING.includes(a));
  const stopping = steps.filter((a) => STOPPING.includes(a));
  show(
    h("section", { class: "card", "aria-label": "Où en est la convention" },
      h("p", {}, "Statut : ", h("strong", {}, c.status_label)),
      c.waiting_for.length ? h("p", {}, "En attente de : ", c.waiting_for.map((w) => PARTIES[w] || w).join(", ")) : null,
      Object.keys(c.signatures).length ? h("p", {}, "Signée par : ", Object.keys(c.signatures).map((w) => PARTIES[w] || w).join(", ")) : null,
      c.reason ? h("p", {}, "Motif : ", STOP_REASONS[c.reason.code] || c.reason.code || "", c.reason.note ? ` — ${c.reason.note}` : "") : null,
      c.legal && ["validate", "pre_validate"].some((a) => steps.includes(a)) ? legalChecks(c.legal) : null,
      h("div", { class: "actions" }, going.map(stepForm),
        ["validated", "in_progress", "completed", "assessment_submitted", "assessed"].includes(c.status)
          ? h("button", { type: "button", class: "secondary", onclick: pdf }, "Télécharger la convention (PDF)") : null,
        c.status === "draft" && me.roles.includes("counsellor")
          ? h("a", { class: "button secondary", href: `/console/conventions/${id}/edit` }, "Modifier le brouillon") : null,
        h("a", { class: "button secondary", href: `/console/beneficiaries/${c.beneficiary_id}` }, "Page du bénéficiaire")),
      stopping.length ? h("details", { class: "stopping" },
        h("summary", {}, stopping.length === 2 ? "Refuser ou annuler la convention…" : `${ACTIONS[stopping[0]]}…`),
        stopping.map(stepForm)) : null),
    c.legal && !["validate", "pre_validate"].some((a) => steps.includes(a)) ? legalChecks(c.legal) : null,
    h("section", { class: "card", "aria-labelledby": "terms" }, h("h2", { id: "terms" }, "Contenu"),
      h("dl", {},
        h("dt", {}, "Entreprise d'accueil"), h("dd", {}, `${t.host.name} (SIRET ${t.host.siret}), ${t.host.address}`,
          placeOf(c.labels, t.host.place_id) && !t.host.address.includes(placeOf(c.labels, t.host.place_id)) ? `, ${placeOf(c.labels, t.host.place_id)}` : ""),
        h("dt", {}, "Tuteur"), h("dd", {}, `${t.tutor.name}, ${t.tutor.job_title}`),
        h("dt", {}, "Objectif"), h("dd", {}, OBJECTIVES[t.objective]),
        h("dt", {}, "Objectifs opérationnels"), h("dd", {}, h("ul", {}, t.operational_objectives.map((o) => h("li", {}, o)))),
        h("dt", {}, "Métier"), h("dd", {}, jobOf(c.labels, t.rome_code)),
        h("dt", {}, "Activités"), h("dd", {}, t.tasks),
        h("dt", {}, "Dates"), h("dd", {}, `du ${dateFr(t.start_date)} au ${dateFr(t.end_date)}`),
        h("dt", {}, "Horaires"), h("dd", {}, Object.entries(t.schedule).map(([d, hours]) => `${WEEKDAYS[d]} ${hours} h`).join(", ")))),
    c.assessment ? h("section", { class: "card", "aria-labelledby": "bilan" }, h("h2", { id: "bilan" }, "Bilan"),
      h("p", {}, ATTENDANCE[c.assessment.attendance], " · objectifs ", c.assessment.objectives_met ? "atteints" : "non atteints"),
      h("p", {}, CONCLUSIONS[c.assessment.project_conclusion], c.assessment.hired ? " · embauche prévue" : ""),
      c.assessment.comments ? h("blockquote", {}, c.assessment.comments) : null) : null,
    h("section", { class: "card", "aria-labelledby": "history" }, h("h2", { id: "history" }, "Historique"),
      h("ol", {}, c.history.map((step) => h("li", {}, `${dateFr(step.at)} · ${DONE[step.action] || step.action}`)))));
}
document.addEventListener("parcours:notification", (event) => { if (event.detail.subject_id === id) load(); });
await load();
