// No one is obliged: an introduction reaches the peer only once the beneficiary agreed, which their counsellor
// records (when proposing, or later from the introductions page); either side may decline without a reason.
import { h } from "./app.js";

// The box of the proposal form: ticked, the request goes at once; left empty, it waits for the agreement
export function agreementBox() {
  const box = h("input", { type: "checkbox", name: "beneficiary_agreed" });
  const label = h("label", { class: "inline" }, box, " La personne accompagnée est d'accord pour rencontrer ce pair");
  const hint = h("p", { class: "hint" }, "Sans son accord, la demande attend : rien n'est envoyé au pair.");
  return { element: h("div", { class: "field" }, label, hint), agreed: () => box.checked };
}

export function proposalSent(agreed) {
  return agreed
    ? "Demande envoyée : le pair la reçoit par e-mail."
    : "Demande préparée : elle partira vers le pair quand la personne aura donné son accord.";
}

// On the introductions page, while the agreement is awaited: the beneficiary's answer, as they gave it
export function agreementStep(introduction, record) {
  if (introduction.status !== "awaiting_beneficiary") return null;
  return h("div", { class: "agreement", role: "group", "aria-label": "Accord de la personne accompagnée" },
    h("p", {}, "Rien n'est envoyé au pair tant que la personne accompagnée n'a pas donné son accord. ",
      "Elle peut refuser sans donner de raison."),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => record(true) }, "Elle est d'accord : envoyer la demande"),
      h("button", { type: "button", class: "secondary", onclick: () => record(false) }, "Elle ne souhaite pas cette rencontre")));
}

export function declinedBy(introduction) {
  if (introduction.status !== "declined") return null;
  const who = introduction.declined_by === "beneficiary" ? "la personne accompagnée" : "le pair";
  return h("p", { class: "muted" }, `Déclinée par ${who}, sans qu'une raison soit demandée.`);
}
