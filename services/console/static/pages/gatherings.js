// Forums, fairs, open days and information sessions: those the agency sees (its own, its region's), and
// publishing one.
import { api, autocomplete, failure, field, h, input, jobText, onSubmit, placeText, searchJobs, searchPlaces, select,
  show, staffPage, toast } from "../app.js";
import { GATHERING_KINDS } from "../gatherings.js";
import { jobsOf, placeOf } from "../labels.js";

await staffPage();
const listBox = h("section", { "aria-labelledby": "list-title" });

function publishForm() {
  const title = input("title", { required: true, maxlength: 200 });
  const day = input("day", { type: "date", required: true });
  const from = input("from", { type: "time", required: true, value: "09:00" });
  const to = input("to", { type: "time", required: true, value: "12:00" });
  const capacity = input("capacity", { type: "number", inputmode: "numeric", min: 1, max: 5000, value: 30, required: true });
  const address = input("address", { required: true, maxlength: 300 });
  const description = h("textarea", { name: "description", maxlength: 4000, rows: 3 });
  const form = h("form", { class: "card", novalidate: true },
    h("h2", {}, "Publier un événement"),
    field("Type d'événement", select("kind", GATHERING_KINDS, "forum")),
    field("Titre", title),
    field("Présentation", description, { hint: "Ce que les participants y trouveront (facultatif)." }),
    field("Date", day), field("De", from), field("À", to, { hint: "Heure de Paris." }),
    autocomplete("place_id", "Commune", { search: searchPlaces, describe: placeText }),
    field("Adresse", address, { hint: "Rue, bâtiment, salle : ce qui figure dans l'invitation." }),
    autocomplete("job1", "Métier concerné (fiche ROME)", { search: searchJobs, describe: jobText }),
    autocomplete("job2", "Deuxième métier (facultatif)", { search: searchJobs, describe: jobText }),
    field("Nombre de places", capacity),
    field("Visible par", select("visibility", { agency: "Notre structure", region: "Toutes les structures de la région" }, "agency")),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Publier")));
  onSubmit(form, async () => {
    const data = new FormData(form);
    const body = { kind: data.get("kind"), title: title.value, description: description.value,
      starts_at: `${day.value}T${from.value}`, ends_at: `${day.value}T${to.value}`, place_id: data.get("place_id"),
      address: address.value, jobs: [data.get("job1"), data.get("job2")].filter(Boolean), capacity: Number(capacity.value),
      visibility: data.get("visibility") };
    const created = await api("matching", "/gatherings", { method: "POST", body });
    toast("Événement publié.");
    location.assign(`/console/gatherings/${created.gathering_id}`);
  });
  return form;
}

async function load() {
  try {
    const found = await api("matching", "/gatherings");
    listBox.replaceChildren(h("h2", { id: "list-title" }, "Événements à venir et récents"),
      found.length ? h("ul", { class: "grid", style: "list-style:none;padding:0" }, found.map((g) => h("li", { class: "card" },
        h("h3", {}, h("a", { href: `/console/gatherings/${g.gathering_id}` }, g.title)),
        h("p", {}, h("span", { class: "tag" }, g.kind_label), " ", g.status === "published" ? "" : h("span", { class: "tag warn" }, g.status_label)),
        h("p", {}, g.when), h("p", {}, `${placeOf(g.labels, g.place_id)} · ${g.places_left} place(s) libre(s) sur ${g.capacity}`),
        h("p", { class: "muted" }, jobsOf(g.labels, g.jobs)),
        h("p", { class: "muted" }, g.own_agency ? "Publié par votre structure" : "Publié par une structure de la région"))))
        : h("p", {}, "Aucun événement pour l'instant."));
  } catch (error) {
    listBox.replaceChildren(failure(error));
  }
}

const disclosure = h("details", {}, h("summary", {}, "Publier un forum, un salon, une journée portes ouvertes…"), publishForm());
show(listBox, disclosure);
await load();
