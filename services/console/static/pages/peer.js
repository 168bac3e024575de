import { api, failure, h, setTitle, show, staffPage } from "../app.js";
import { MODES, PEER_KINDS } from "../labels.js";
import { timeline } from "../path.js";
import { charterStatus } from "../charter.js";

await staffPage();
const id = location.pathname.split("/")[3];
try {
  const peer = await api("profiles", `/peers/${id}`);
  setTitle(`${peer.first_name} ${peer.last_name}`);
  show(h("section", { class: "card" },
    h("p", {}, PEER_KINDS[peer.kind], peer.vetted ? " · peut rencontrer des mineurs" : "", peer.paused ? " · en pause" : ""),
    charterStatus(peer),
    h("p", {}, "Rencontres : ", peer.offer.meeting_modes.map((m) => MODES[m]).join(", "),
      ` · jusqu'à ${peer.offer.capacity_per_month} par mois`),
    peer.testimony ? h("blockquote", {}, peer.testimony) : null),
  h("h2", {}, "Parcours vécu"), timeline(peer.path, peer.labels));
} catch (error) {
  show(failure(error));
}
