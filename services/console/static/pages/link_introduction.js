// A peer's page, from the link in their e-mail: read the request, accept or decline, then give feedback.
import { api, choices, dateFr, failure, field, h, onSubmit, select, setTitle, show } from "../app.js";
import { CONTACT_CHANNELS, INTRODUCTION_STATUS, MODES, PEER_DECLINE } from "../labels.js";
import { concernForm, feedbackForm, meetingPlan, slotsForm, thread } from "../meeting.js";

const token = location.pathname.split("/")[3];
const path = `/links/introductions/${token}`;

function answerForm() {
  const message = h("textarea", { name: "message", maxlength: 2000 });
  const reason = select("reason", { "": "Je préfère ne pas le dire", ...PEER_DECLINE }, "");
  const accept = h("button", { type: "submit", value: "accept" }, "J'accepte");
  const decline = h("button", { type: "submit", value: "decline", class: "secondary" }, "Je refuse");
  const contact = choices("Si vous acceptez, comment le conseiller peut-il vous joindre ?", "contact", CONTACT_CHANNELS, ["platform"], "radio");
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Votre réponse"),
    field("Un mot pour le conseiller (facultatif)", message), contact,
    h("p", { class: "hint" }, "Seul le conseiller de la personne voit ce choix. Vous pourrez le changer depuis ce lien."),
    field("Si vous refusez, pourquoi ? (facultatif)", reason, { hint: "Vous pouvez refuser sans donner de raison." }), h("div", { class: "actions" }, accept, decline));
  onSubmit(form, async (event) => {
    const accepting = event.submitter?.value !== "decline";
    const channel = new FormData(form).get("contact") || "platform";
    render(await api("matching", `${path}/answer`, { method: "POST", token: null,
      body: { accept: accepting, reason: accepting || !reason.value ? null : reason.value, message: message.value, contact: channel } }),
    accepting ? "Merci ! Vous pouvez maintenant proposer des dates de rencontre, ou attendre celles du conseiller." : "C'est noté, merci d'avoir répondu.");
  });
  return form;
}

function contactForm(r) {
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Comment vous joindre"),
    choices("Le conseiller de la personne vous joint", "channel", CONTACT_CHANNELS, [r.contact_channel || "platform"], "radio"),
    h("p", { class: "hint" }, "Personne d'autre ne voit ce choix."), h("button", { type: "submit", class: "secondary" }, "Changer"));
  onSubmit(form, async () => {
    render(await api("matching", `${path}/contact`, { method: "POST", token: null,
      body: { channel: new FormData(form).get("channel") } }), "C'est noté : le conseiller vous joindra ainsi.");
  });
  return form;
}

const post = (suffix, body) => api("matching", `${path}${suffix}`, { method: "POST", token: null, body });

function meeting(r) {
  if (r.status !== "accepted") return [];
  const plan = meetingPlan(r.meeting_plan, { side: "peer",
    pick: async (proposal, slot) => render(await post("/slots/pick", { proposal, slot }), "C'est noté : la rencontre est fixée. Vous recevez l'invitation par e-mail."),
    cancel: async () => render(await post("/appointment/cancel"), "La rencontre est annulée : les agendas sont mis à jour.") });
  const inPerson = r.counsellor_present || r.purpose === "company_visit";
  const venues = inPerson || !r.meeting_modes.includes("video") ? ["in_person"] : ["in_person", "video"];
  const form = slotsForm({ venues, visit: r.purpose === "company_visit", agency: false,
    submit: async (slots) => render(await post("/slots", { slots }), "Vos dates sont proposées : le conseiller en choisit une.") });
  const messages = thread(r.thread, { side: "peer",
    send: async (text) => render(await post("/messages", { text }), "Message envoyé au conseiller.") });
  const concern = concernForm(r.concerns, {
    report: async (body) => render(await post("/concerns", body), "Votre signalement est transmis à l'agence.") });
  return [plan, form, messages, concern];
}

function render(r, done) {
  setTitle(`Demande de rencontre : ${r.purpose_label}`);
  show(done ? h("p", { class: "notice", role: "status", tabindex: "-1", id: "done" }, done) : null,
    h("section", { class: "card" },
      h("p", {}, "Une personne qui construit son projet aimerait échanger avec vous sur le métier : ", h("strong", {}, r.target_job_label), "."),
      h("p", {}, "Modes de rencontre possibles : ", r.meeting_modes.map((m) => MODES[m] || m).join(", ")),
      r.counsellor_present ? h("p", {}, "La personne est mineure : son conseiller participe à la rencontre.") : null,
      r.message ? h("blockquote", {}, r.message) : null,
      r.questions.length ? h("ul", {}, r.questions.map((q) => h("li", {}, q))) : null,
      h("p", {}, "Statut : ", h("strong", {}, INTRODUCTION_STATUS[r.status] || r.status),
        r.status === "proposed" ? ` · à donner avant le ${dateFr(r.expires_at)}` : "")),
    r.status === "proposed" ? answerForm() : null,
    ["accepted", "met"].includes(r.status) ? contactForm(r) : null,
    ...meeting(r),
    r.feedback_open ? feedbackForm({ other: "la personne", submit: async (body) => render(await post("/feedback", body), "Merci pour votre retour.") }) : null);
  document.getElementById("done")?.focus();
}

try {
  render(await api("matching", path, { token: null }));
} catch (error) {
  setTitle("Lien indisponible");
  show(failure(error));
}
