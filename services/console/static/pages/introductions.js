// The follow-up of introductions: by status, with the meeting to record once the peer accepted.
import { api, dateFr, failure, field, h, input, onSubmit, select, show, staffPage, toast } from "../app.js";
import { INTRODUCTION_STATUS, MODES, PEER_KINDS, PURPOSES, jobOf } from "../labels.js";
import { concernForm, feedbackForm, meetingPlan, slotsForm, thread } from "../meeting.js";
import { agreementStep, declinedBy } from "../agreement.js";

await staffPage();
const focused = location.pathname.split("/")[3];
const status = select("status", { "": "Toutes", ...INTRODUCTION_STATUS }, new URLSearchParams(location.search).get("status") || "");
const list = h("div", { "aria-live": "polite" });

function meetingForm(introduction) {
  const held = input("held_on", { type: "date", value: new Date().toISOString().slice(0, 10) });
  const mode = select("mode", MODES, introduction.meeting_modes[0]);
  const submit = h("button", { type: "submit" }, "Enregistrer la rencontre");
  const form = h("form", { novalidate: true }, field("Date de la rencontre", held), field("Mode", mode), h("div", { class: "actions" }, submit));
  onSubmit(form, async (event) => {
    await api("matching", `/introductions/${introduction.introduction_id}/meeting`, { method: "POST", body: { held_on: held.value, mode: mode.value } });
    toast("Rencontre enregistrée.");
    load();
  });
  return form;
}

// How the peer chose to be reached: read from the introduction itself, by the beneficiary's counsellor only
function contactBox(i) {
  if (!i.contact_channel) return null;
  const box = h("div", { class: "contact", "aria-live": "polite" },
    h("button", { type: "button", class: "secondary", onclick: async () => {
      const found = await api("matching", `/introductions/${i.introduction_id}`);
      const c = found.contact;
      box.replaceChildren(c ? h("p", {}, h("strong", {}, "Joindre le pair : "), c.label,
        c.email ? h("span", {}, " · ", h("a", { href: `mailto:${c.email}` }, c.email)) : null,
        c.phone ? h("span", {}, " · ", h("a", { href: `tel:${c.phone}` }, c.phone)) : null,
        h("br"), h("span", { class: "muted" }, c.note))
        : h("p", { class: "muted" }, "Seul le conseiller du bénéficiaire voit comment joindre le pair."));
    } }, "Comment joindre le pair"));
  return box;
}

// The people the counsellor follows, by name: the beneficiary's full name, the peer's first name and kind
const names = new Map();
function named(service, path, text) {
  if (!names.has(path)) names.set(path, api(service, path).then(text).catch(() => null));
  return names.get(path);
}
const beneficiaryName = (id) => named("profiles", `/beneficiaries/${id}`, (b) => `${b.identity.first_name} ${b.identity.last_name}`);
const peerName = (id) => named("profiles", `/peers/${id}`, (p) => `${p.first_name} (${(PEER_KINDS[p.kind] || "pair").toLowerCase()})`);

function nameLink(href, pending, fallback) {
  const link = h("a", { href }, fallback);
  pending.then((text) => { if (text) link.textContent = text; });
  return link;
}

const post = (i, suffix, body) => api("matching", `/introductions/${i.introduction_id}${suffix}`, { method: "POST", body });

// Once accepted: the peer's dates to pick from, the meeting that stands, dates to propose
function meeting(i) {
  if (i.status !== "accepted") return null;
  const plan = meetingPlan(i.meeting_plan, { side: "beneficiary",
    pick: async (proposal, slot) => { await post(i, "/slots/pick", { proposal, slot }); toast("Rencontre fixée : l'invitation part par e-mail."); load(); },
    cancel: async () => { await post(i, "/appointment/cancel"); toast("Rencontre annulée."); load(); } });
  const inPerson = i.counsellor_present || i.purpose === "company_visit";
  const venues = inPerson || !i.meeting_modes.includes("video") ? ["in_person"] : ["in_person", "video"];
  const form = slotsForm({ venues, visit: i.purpose === "company_visit", agency: true,
    submit: async (slots) => { await post(i, "/slots", { slots }); toast("Dates proposées au pair."); load(); } });
  const messages = thread(i.thread, { side: "beneficiary",
    send: async (text) => { await post(i, "/messages", { text }); toast("Message envoyé au pair."); load(); } });
  const concern = concernForm(i.concerns, {
    report: async (body) => { await post(i, "/concerns", body); toast("Signalement transmis à l'administrateur de l'agence."); load(); } });
  return h("div", {}, plan, h("details", { class: "propose-dates" }, h("summary", {}, "Proposer des dates"), form), messages, concern);
}

// For the agency's admin: the concerns waiting for review, by either side
function review(i) {
  if (!i.concerns_to_review) return null;
  const box = h("div", { class: "review", "aria-live": "polite" });
  const open = async () => {
    try {
      const found = await api("matching", `/introductions/${i.introduction_id}/concerns`);
      box.replaceChildren(h("ul", {}, found.map((c) => h("li", {},
        h("strong", {}, `${c.by === "peer" ? "Le pair" : "Le conseiller"} · ${c.reason_label}`), c.text ? ` : ${c.text}` : "",
        c.reviewed_at ? " (examiné)" : h("span", {}, " ",
          h("button", { type: "button", onclick: async () => { await post(i, `/concerns/${c.number}/review`, { resume_peer: true }); load(); } }, "Lever la pause du pair"), " ",
          h("button", { type: "button", class: "secondary", onclick: async () => { await post(i, `/concerns/${c.number}/review`, { resume_peer: false }); load(); } }, "Garder le pair en pause"))))));
    } catch (error) {
      box.replaceChildren(h("p", { class: "muted" }, error.status === 403 ? "L'administrateur de l'agence examine ce signalement." : failure(error)));
    }
  };
  box.append(h("button", { type: "button", class: "secondary", onclick: open }, `Signalements à examiner (${i.concerns_to_review})`));
  return box;
}

function feedback(i) {
  const due = ["accepted", "met"].includes(i.status) && !i.feedback.beneficiary && i.feedback_opens_at
    && new Date(i.feedback_opens_at) <= new Date();
  return due ? feedbackForm({ other: "le pair", debrief: true, submit: async (body) => { await post(i, "/feedback", body); toast("Retour enregistré."); load(); } }) : null;
}

function card(i) {
  const cancel = ["awaiting_beneficiary", "proposed", "accepted"].includes(i.status) ? h("button", { type: "button", class: "secondary", onclick: async () => {
    if (!confirm("Annuler cette mise en relation ?")) return;
    await api("matching", `/introductions/${i.introduction_id}/cancel`, { method: "POST" });
    load();
  } }, "Annuler") : null;
  return h("li", { class: "card", id: i.introduction_id, tabindex: i.introduction_id === focused ? "-1" : null },
    h("h2", {}, `${PURPOSES[i.purpose]} · `, h("span", { class: `tag ${i.status === "accepted" || i.status === "met" ? "ok" : ["proposed", "awaiting_beneficiary"].includes(i.status) ? "warn" : ""}` },
      INTRODUCTION_STATUS[i.status] || i.status)),
    h("p", {}, nameLink(`/console/beneficiaries/${i.beneficiary_id}`, beneficiaryName(i.beneficiary_id), "Bénéficiaire"),
      " et ", nameLink(`/console/peers/${i.peer_id}`, peerName(i.peer_id), "pair"), " · métier ", jobOf(i.labels, i.target_job)),
    h("p", { class: "muted" }, `Proposée le ${dateFr(i.proposed_at)}`,
      i.status === "proposed" ? ` · réponse attendue avant le ${dateFr(i.expires_at)}` : "",
      i.answered_at ? ` · réponse le ${dateFr(i.answered_at)}` : ""),
    agreementStep(i, async (agreed) => {
      await post(i, "/agreement", { agreed });
      toast(agreed ? "Accord noté : la demande part vers le pair." : "Refus noté : le pair n'en saura rien.");
      load();
    }),
    declinedBy(i),
    i.answer_message ? h("blockquote", {}, i.answer_message) : null,
    i.meeting ? h("p", {}, `Rencontre le ${dateFr(i.meeting.held_on)}`) : null,
    contactBox(i),
    meeting(i),
    review(i),
    feedback(i),
    i.status === "accepted" ? meetingForm(i) : null,
    h("div", { class: "actions" },
      ["proposed", "accepted"].includes(i.status) ? h("a", { class: "button secondary", href: `/console/introductions/${i.introduction_id}/preparation` }, "Fiche de préparation") : null,
      cancel));
}

async function load() {
  try {
    const found = await api("matching", "/introductions", { query: { status: status.value } });
    list.replaceChildren(found.length ? h("ul", { style: "list-style:none;padding:0" }, found.map(card)) : h("p", {}, "Aucune mise en relation."));
    document.getElementById(focused)?.focus();
  } catch (error) {
    list.replaceChildren(failure(error));
  }
}
status.addEventListener("change", load);
show(h("div", { class: "card" }, field("Statut", status)), list);
document.addEventListener("parcours:notification", load);
await load();
