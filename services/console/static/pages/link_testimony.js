// A testimony shared with a beneficiary, from the link their counsellor gave them: no sign-in, made for a
// phone. The player reads the file by ranges and shows the French subtitles.
import { api, failure, h, setTitle, show } from "../app.js";
import { player } from "../testimony.js";

const token = location.pathname.split("/")[3];

try {
  const testimony = await api("profiles", `/links/testimonies/${token}`, { token: null });
  setTitle(testimony.title);
  show(h("p", {}, "Votre conseiller vous a partagé ce témoignage d'une personne qui a vécu ce parcours."),
    player(testimony),
    h("p", { class: "hint" }, "Ce lien est personnel et expire dans quelques jours. Les sous-titres s'affichent d'office ; le menu du lecteur permet de les masquer."));
} catch (error) {
  setTitle("Témoignage indisponible");
  show(failure(error));
}
