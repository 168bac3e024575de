// The meeting's date, on both sides' pages: up to three dated slots to propose, the other side's to pick
// from, the meeting that stands (with its history), and the feedback form once its date has come.
import { choices, field, h, input, onSubmit, refusedHere, select } from "./app.js";
import { APPOINTMENT_STATUS, CONCERN_REASONS, PROJECT_EFFECTS, VENUES } from "./labels.js";

const DURATIONS = { 30: "30 minutes", 45: "45 minutes", 60: "1 heure", 90: "1 h 30", 120: "2 heures" };

export const when = (value) => new Date(value).toLocaleString("fr-FR", { weekday: "long", day: "numeric", month: "long",
  year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });

export function slotText(slot) {
  const where = slot.venue === "video" ? `en visio (${slot.place})`
    : slot.at_agency && !slot.place ? "à l'agence" : `${slot.place}${slot.at_agency ? " (à l'agence)" : ""}`;
  return `${when(slot.starts_at)} · ${slot.minutes} min · ${where}`;
}

// `venues`: the ways both sides can meet (a minor's meeting and a company visit: in person only)
export function slotsForm({ venues, visit, agency, submit }) {
  const rows = [1, 2, 3].map((n) => {
    const starts = input(`starts_at_${n}`, { type: "datetime-local", required: n === 1 });
    const minutes = select(`minutes_${n}`, DURATIONS, "60");
    const venue = select(`venue_${n}`, Object.fromEntries(venues.map((v) => [v, VENUES[v]])), venues[0]);
    const place = input(`place_${n}`, { maxlength: 500, autocomplete: "off" });
    const atAgency = agency ? h("label", { class: "inline" }, h("input", { type: "checkbox", name: `at_agency_${n}` }), "À l'agence") : null;
    return { n, starts, minutes, venue, place, atAgency, node: h("fieldset", { dataset: { field: `slots.${n - 1}` } },
      h("legend", {}, n === 1 ? "Créneau 1" : `Créneau ${n} (facultatif)`),
      field("Date et heure", starts, { name: `slots.${n - 1}.starts_at` }), field("Durée", minutes),
      field("Mode", venue), field(visit ? "Adresse de l'entreprise" : "Lieu (adresse) ou lien de la visio", place,
        { hint: "En visio : le lien, qui commence par https://", name: `slots.${n - 1}.place` }), atAgency) };
  });
  const form = h("form", { class: "card", novalidate: true, id: "slots-form" }, h("h2", {}, "Proposer des dates"),
    h("p", { class: "hint" }, "Jusqu'à trois créneaux : l'autre personne choisit celui qui lui convient."),
    ...rows.map((r) => r.node), h("button", { type: "submit" }, "Proposer ces dates"));
  onSubmit(form, async () => {
    const slots = rows.filter((r) => r.starts.value).map((r) => ({ starts_at: new Date(r.starts.value).toISOString(),
      minutes: Number(r.minutes.value), venue: r.venue.value, place: r.place.value,
      at_agency: Boolean(form.querySelector(`[name="at_agency_${r.n}"]`)?.checked) }));
    await submit(slots);
  });
  return form;
}

// `side`: "peer" or "beneficiary", whose page it is; `pick(proposal, slot)` and `cancel()` act for it
export function meetingPlan(plan, { side, pick, cancel }) {
  const open = plan.slot_proposals.filter((p) => p.outcome === "open").at(-1);
  const mine = open && open.by === side;
  const standing = plan.appointment;
  const history = plan.appointments.filter((a) => a !== standing && a.status !== "scheduled");
  return h("section", { class: "card", "aria-labelledby": "meeting-title", id: "meeting" },
    h("h2", { id: "meeting-title" }, "La rencontre"),
    standing ? h("p", { class: "notice" }, h("strong", {}, "Rencontre prévue : "), slotText(standing.slot)) : h("p", {}, "Aucune date n'est encore fixée."),
    standing && cancel ? h("button", { type: "button", class: "secondary", onclick: async () => {
      if (confirm("Annuler cette rencontre ? Les agendas seront mis à jour.")) await cancel();
    } }, "Annuler la rencontre") : null,
    open && !mine ? h("div", { class: "proposal" }, h("h3", {}, "Dates proposées : choisissez-en une"),
      h("ul", { class: "slots" }, open.slots.map((slot, index) => h("li", {}, slotText(slot), " ",
        h("button", { type: "button", onclick: () => pick(open.number, index) }, "Choisir ce créneau"))))) : null,
    open && mine ? h("p", { class: "muted" }, "Vos dates sont proposées : ", open.slots.map(slotText).join(" ; "), ". En attente du choix de l'autre personne.") : null,
    history.length ? h("details", {}, h("summary", {}, "Historique"), h("ul", {}, history.map((a) =>
      h("li", {}, `${APPOINTMENT_STATUS[a.status] || a.status} : ${slotText(a.slot)}`)))) : null);
}

// After the meeting: nothing chosen in advance; a no-show is an answer of its own
// `debrief`: the beneficiary's side, entered by their counsellor, also says what the person takes from the
// meeting and what it changes to their project
export function feedbackForm({ other, submit, debrief = false }) {
  const happened = choices("La rencontre a-t-elle eu lieu ?", "took_place",
    { yes: "Oui", no_show: `Non : ${other} n'est pas venu(e)`, no: "Non, pour une autre raison" }, [], "radio");
  happened.querySelectorAll("input").forEach((radio) => { radio.required = true; });
  const usefulness = choices("Si elle a eu lieu, son utilité (1 : pas utile, 5 : très utile)", "usefulness",
    { 1: "1", 2: "2", 3: "3", 4: "4", 5: "5" }, [], "radio");
  const comment = h("textarea", { name: "comment", maxlength: 2000 });
  const effect = debrief ? choices("Si elle a eu lieu, ce qu'elle change au projet", "project_effect", PROJECT_EFFECTS, [], "radio") : null;
  const form = h("form", { class: "card", novalidate: true, id: "feedback-form" }, h("h2", {}, "Après la rencontre"),
    happened, usefulness, effect,
    field(debrief ? "Ce que la personne en retient (facultatif)" : "Commentaire (facultatif)", comment),
    h("button", { type: "submit" }, "Envoyer le retour"));
  onSubmit(form, async () => {
    const data = new FormData(form);
    const answer = data.get("took_place");
    const rating = data.get("usefulness");
    if (!answer) throw refusedHere("took_place", "Dites si la rencontre a eu lieu.");  // nothing chosen for them
    const changed = data.get("project_effect");
    await submit({ took_place: answer === "yes", no_show: answer === "no_show",
      usefulness: answer === "yes" && rating ? Number(rating) : null, comment: comment.value,
      ...(debrief && answer === "yes" && changed ? { project_effect: changed } : {}) });
  });
  return form;
}

// The thread between the counsellor and the peer (relayed by e-mail, no address given)
export function thread(messages, { side, send }) {
  const text = h("textarea", { name: "text", maxlength: 2000, rows: 3, required: true });
  const form = h("form", { novalidate: true, id: "thread-form" }, field("Votre message", text),
    h("button", { type: "submit", class: "secondary" }, "Envoyer le message"));
  onSubmit(form, async () => { await send(text.value); });
  return h("section", { class: "card", "aria-labelledby": "thread-title", id: "thread" },
    h("h2", { id: "thread-title" }, "Messages"),
    messages.length ? h("ol", { class: "thread" }, messages.map((m) => h("li", { class: m.by === side ? "mine" : "theirs" },
      h("p", { class: "muted" }, `${m.by === side ? "Vous" : m.by === "peer" ? "Le pair" : "Le conseiller"} · ${when(m.sent_at)}`),
      h("p", {}, m.text))))
      : h("p", { class: "muted" }, "Aucun message pour l'instant. L'autre personne est prévenue par e-mail, sans que vos adresses soient échangées."),
    form);
}

// A concern about the meeting (signalement): to the agency only, never shown to the other side
export function concernForm(mine, { report }) {
  const reason = select("reason", CONCERN_REASONS, "behaviour");
  const text = h("textarea", { name: "text", maxlength: 2000, rows: 3 });
  const form = h("form", { novalidate: true, id: "concern-form" }, field("Motif", reason),
    field("Ce qui s'est passé (lu par l'agence seulement)", text),
    h("button", { type: "submit", class: "secondary" }, "Envoyer le signalement"));
  onSubmit(form, async () => { await report({ reason: reason.value, text: text.value }); });
  const waiting = mine.filter((c) => !c.reviewed_at);
  return h("details", { class: "card", id: "concern" }, h("summary", {}, "Signaler un problème"),
    h("p", { class: "hint" }, "L'agence examine le signalement ; le pair ne reçoit plus de demande d'ici là. L'autre personne ne le voit pas."),
    mine.length ? h("ul", {}, mine.map((c) => h("li", {}, `${c.reason_label} · ${c.reviewed_at ? "examiné" : "en attente d'examen"}`))) : null,
    waiting.length ? null : form);
}
