// A peer's own profile, from the link in their e-mails, without an account: the peers' charter to accept
// (first, while the version in force is not accepted), pause or resume, how many meetings a month, their
// testimony, and their lived path as counsellors see it.
import { api, failure, field, h, input, onSubmit, setTitle, show } from "../app.js";
import { MODES, PEER_KINDS } from "../labels.js";
import { timeline } from "../path.js";
import { ownTestimonies, peerTestimonies } from "../testimony_form.js";
import { charterSection } from "../charter.js";
import { witnessSection } from "../gatherings.js";

const path = `/links/peers/${location.pathname.split("/")[3]}`;

function pauseForm(profile) {
  const submit = h("button", { type: "submit", class: profile.paused ? "" : "secondary" },
    profile.paused ? "Reprendre les rencontres" : "Faire une pause");
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Disponibilité"),
    h("p", {}, profile.paused
      ? "Vous êtes en pause : aucun conseiller ne peut vous proposer de rencontre."
      : profile.charter.accepted
        ? "Vous êtes visible des conseillers. Une pause arrête les nouvelles demandes, sans rien effacer."
        : "Vous serez visible des conseillers une fois la charte acceptée. Une pause arrête les nouvelles demandes, sans rien effacer."),
    submit);
  onSubmit(form, async () => {
    await render(await api("profiles", `${path}/pause`, { method: "POST", token: null, body: { paused: !profile.paused } }),
      profile.paused ? "C'est noté : les conseillers peuvent de nouveau vous proposer des rencontres." : "C'est noté : vous êtes en pause.");
  });
  return form;
}

function offerForm(profile) {
  const capacity = input("capacity_per_month", { type: "number", inputmode: "numeric", min: 0, max: 20, value: profile.capacity_per_month });
  const testimony = h("textarea", { name: "testimony", maxlength: 3000, rows: 6 }, profile.testimony);
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Ce que vous proposez"),
    field("Nombre de rencontres par mois, au plus", capacity, { hint: "0 : vous restez inscrit sans recevoir de demande." }),
    field("Votre témoignage", testimony, { hint: "Ce que les conseillers lisent pour présenter votre parcours (3 000 caractères au plus)." }),
    h("p", {}, "Modes de rencontre : ", profile.meeting_modes.map((m) => MODES[m] || m).join(", ")),
    h("button", { type: "submit" }, "Enregistrer"));
  onSubmit(form, async () => {
    await render(await api("profiles", path, { method: "PATCH", token: null,
      body: { capacity_per_month: Number(capacity.value), testimony: testimony.value } }), "Vos changements sont enregistrés.");
  });
  return form;
}

async function render(profile, done) {
  setTitle(`Mon profil de pair · ${profile.first_name}`);
  show(done ? h("p", { class: "notice", role: "status", tabindex: "-1", id: "done" }, done) : null,
    h("p", {}, `Vous êtes inscrit comme ${(PEER_KINDS[profile.kind] || "pair").toLowerCase()}.`),
    profile.charter.accepted ? null : charterSection(profile.charter, accept),
    pauseForm(profile), offerForm(profile),
    h("section", { class: "card", "aria-labelledby": "path-title" }, h("h2", { id: "path-title" }, "Votre parcours"),
      timeline(profile.path, profile.labels),
      h("p", { class: "hint" }, "Une étape à corriger ? Répondez à l'e-mail de votre conseiller : il met votre parcours à jour.")),
    await ownTestimonies(path), peerTestimonies(path, profile, async (said) => render(await api("profiles", path, { token: null }), said)),
    profile.charter.accepted ? charterSection(profile.charter, accept) : null,
    witnessSection(path));
  document.getElementById("done")?.focus();
}

async function accept(version) {
  render(await api("profiles", `${path}/charter`, { method: "POST", token: null, body: { version } }),
    "Merci : vous avez accepté la charte. Les conseillers peuvent désormais vous proposer des rencontres.");
}

try {
  await render(await api("profiles", path, { token: null }));
} catch (error) {
  setTitle("Lien indisponible");
  show(failure(error));
}
