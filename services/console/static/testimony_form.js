// The peer's own testimonies on their link page: add one (written, or a video or recording with its
// subtitles or transcript: the file is then streamed to the API), see them, and withdraw one's consent,
// which deletes them all.
import { api, field, h, input, onSubmit, select } from "./app.js";
import { STEP_KINDS } from "./labels.js";
import { FORMATS, TRANSITIONS, player, uploadFile } from "./testimony.js";

export function peerTestimonies(path, profile, rerender) {
  const jobs = Object.fromEntries(Object.entries(profile.labels.jobs || {}));
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Ajouter un témoignage"),
    h("p", { class: "hint" }, "Une courte vidéo (200 Mo au plus), un enregistrement audio ou un texte. En l'ajoutant, "
      + "vous acceptez que les conseillers le montrent aux personnes qu'ils accompagnent ; vous pouvez tout retirer ici."),
    field("Forme", select("format", FORMATS, "video")),
    field("Titre", input("title", { maxlength: 120, required: true })),
    field("Métier dont vous parlez", select("jobs", jobs)),
    field("Étape de votre parcours", select("path_kind", { "": "—", ...STEP_KINDS })),
    field("Votre changement de voie", select("transition", { "": "—", ...TRANSITIONS })),
    field("Fichier vidéo ou audio", input("media", { type: "file", accept: "video/*,audio/*" })),
    field("Sous-titres (fichier WebVTT .vtt)", input("subtitles", { type: "file", accept: ".vtt,text/vtt" }),
      { hint: "Requis pour une vidéo ou un audio, sauf si vous écrivez la transcription ci-dessous." }),
    field("Transcription, ou votre témoignage écrit", h("textarea", { name: "text", rows: 5, maxlength: 5000 })),
    h("button", { type: "submit" }, "Ajouter"));
  onSubmit(form, async () => {
    const e = form.elements;
    const written = e.format.value === "text";
    const subtitles = e.subtitles.files[0] ? await e.subtitles.files[0].text() : "";
    const made = await api("profiles", `${path}/testimonies`, { method: "POST", token: null, body: {
      format: e.format.value, title: e.title.value, jobs: e.jobs.value ? [e.jobs.value] : [],
      path_kind: e.path_kind.value || null, transition: e.transition.value || null,
      text: written ? e.text.value : "", transcript: written ? "" : e.text.value, subtitles } });
    if (!written && e.media.files[0]) {
      await uploadFile(`/api/profiles${path}/testimonies/${made.testimony_id}/media`, e.media.files[0]);
    }
    await rerender("Votre témoignage est ajouté.");
  });
  const withdraw = h("form", { class: "card", novalidate: true }, h("h2", {}, "Retirer mon accord"),
    h("p", {}, "Tous vos témoignages, fichiers et sous-titres sont alors effacés, et les liens partagés cessent de fonctionner."),
    h("button", { type: "submit", class: "secondary" }, "Retirer mon accord et tout effacer"));
  onSubmit(withdraw, async () => {
    await api("profiles", `${path}/testimony-consent`, { method: "POST", token: null, body: { given: false } });
    await rerender("Votre accord est retiré : vos témoignages sont effacés.");
  });
  return [form, withdraw];
}

export async function ownTestimonies(path) {
  const mine = await api("profiles", `${path}/testimonies`, { token: null });
  return h("section", { class: "card", "aria-labelledby": "testimonies-title" },
    h("h2", { id: "testimonies-title" }, "Vos témoignages"),
    mine.length ? mine.map((t) => player(t)) : h("p", {}, "Vous n'avez pas encore ajouté de témoignage."));
}
