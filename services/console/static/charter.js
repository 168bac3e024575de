// The peers' charter: what a peer reads and accepts on their own page before counsellors may suggest them,
// and what the counsellor sees of it on the peer's page (accepted or not, and the link sent again).
import { api, dateFr, h, onSubmit, toast } from "./app.js";

// On the peer's own page: the text, and the button while the version in force is not accepted
export function charterSection(charter, accept) {
  const title = h("h2", { id: "charter-title" }, charter.title);
  const text = h("div", {}, charter.sections.map((s) => h("section", {}, h("h3", {}, s.heading), h("p", {}, s.text))));
  const version = h("p", { class: "hint" }, `Version ${charter.version} du ${dateFr(charter.published_on)}.`);
  if (charter.accepted) {
    return h("details", { class: "card", "aria-labelledby": "charter-title" },
      h("summary", {}, `Charte du pair acceptée le ${dateFr(charter.accepted_at)}`), text, version);
  }
  const before = charter.accepted_version
    ? "La charte a changé depuis que vous l'avez acceptée : relisez-la. Tant que vous n'avez pas accepté cette "
      + "nouvelle version, aucun conseiller ne peut vous proposer de rencontre."
    : "Avant qu'un conseiller puisse vous proposer une rencontre, lisez et acceptez la charte du pair.";
  const form = h("form", { class: "card charter", novalidate: true, "aria-labelledby": "charter-title" },
    title, h("p", { class: "notice" }, before), text, version,
    h("button", { type: "submit" }, "J'ai lu la charte et je l'accepte"));
  onSubmit(form, () => accept(charter.version));
  return form;
}

// On the counsellor's page of one of their agency's peers
export function charterStatus(peer) {
  const charter = peer.charter;
  if (!charter) return null;
  const box = h("p", { "aria-live": "polite" });
  if (charter.accepted) {
    box.append(h("span", { class: "tag ok" }, "Charte acceptée"), ` le ${dateFr(charter.accepted_at)} (version ${charter.version})`);
    return box;
  }
  const why = charter.accepted_version
    ? `Nouvelle version ${charter.version} de la charte à accepter : ce pair n'est plus suggéré d'ici là.`
    : "Charte pas encore acceptée : ce pair n'est pas suggéré tant qu'il ne l'a pas acceptée depuis son e-mail.";
  const resend = h("button", { type: "button", class: "secondary", onclick: async () => {
    await api("profiles", `/peers/${peer.peer_id}/charter/ask`, { method: "POST" });
    toast("Lien renvoyé : le pair reçoit la charte par e-mail.");
    resend.disabled = true;
  } }, "Renvoyer le lien de la charte");
  box.append(h("span", { class: "tag warn" }, "Charte à accepter"), " ", why, " ", resend);
  return box;
}
