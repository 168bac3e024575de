// The follow-up of introductions: by status, with the meeting to record once the peer accepted.
import { api, dateFr, failure, field, h, input, onSubmit, select, show, staffPage, toast } from "../app.js";
import { INTRODUCTION_STATUS, MODES, PURPOSES, jobOf } from "../labels.js";

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

function card(i) {
  const cancel = ["proposed", "accepted"].includes(i.status) ? h("button", { type: "button", class: "secondary", onclick: async () => {
    if (!confirm("Annuler cette mise en relation ?")) return;
    await api("matching", `/introductions/${i.introduction_id}/cancel`, { method: "POST" });
    load();
  } }, "Annuler") : null;
  return h("li", { class: "card", id: i.introduction_id, tabindex: i.introduction_id === focused ? "-1" : null },
    h("h2", {}, `${PURPOSES[i.purpose]} · `, h("span", { class: `tag ${i.status === "accepted" || i.status === "met" ? "ok" : i.status === "proposed" ? "warn" : ""}` },
      INTRODUCTION_STATUS[i.status] || i.status)),
    h("p", {}, h("a", { href: `/console/beneficiaries/${i.beneficiary_id}` }, "Bénéficiaire"), " · ",
      h("a", { href: `/console/peers/${i.peer_id}` }, "Pair"), " · métier ", jobOf(i.labels, i.target_job)),
    h("p", { class: "muted" }, `Proposée le ${dateFr(i.proposed_at)}`,
      i.status === "proposed" ? ` · réponse attendue avant le ${dateFr(i.expires_at)}` : "",
      i.answered_at ? ` · réponse le ${dateFr(i.answered_at)}` : ""),
    i.answer_message ? h("blockquote", {}, i.answer_message) : null,
    i.meeting ? h("p", {}, `Rencontre le ${dateFr(i.meeting.held_on)}`) : null,
    i.status === "accepted" ? meetingForm(i) : null,
    h("div", { class: "actions" }, cancel));
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
