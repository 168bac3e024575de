// Create or edit a beneficiary: identity, project (ROME job and place with autocomplete), consent.
import { api, autocomplete, choices, field, h, input, jobText, onSubmit, placeText, searchJobs,
  searchPlaces, select, setTitle, show, staffPage, values } from "../app.js";
import { LEVELS, MODES, SITUATIONS } from "../labels.js";

await staffPage();
const editing = location.pathname.match(/beneficiaries\/([^/]+)\/edit/)?.[1];
const current = editing ? await api("profiles", `/beneficiaries/${editing}`) : null;
const i = current?.identity || {};
const p = current?.project || { mobility_km: 20, situation: "job_seeker", education_level: "level_4", meeting_modes: ["in_person"], target_jobs: [] };
let jobLabel = "";
let placeLabel = "";
if (current) {
  const [job, place] = await Promise.all([
    api("profiles", `/reference/jobs/${p.target_jobs[0]}`).catch(() => null),
    api("profiles", `/reference/places/${p.place_id}`).catch(() => null)]);
  jobLabel = job ? jobText(job) : current.labels.jobs[p.target_jobs[0]] || "";
  placeLabel = place ? placeText(place) : current.labels.places[p.place_id] || "";
  setTitle(`Modifier ${i.first_name} ${i.last_name}`);
}

const guardian = h("fieldset", { dataset: { field: "guardian" } }, h("legend", {}, "Représentant légal (obligatoire pour un mineur)"),
  field("Date de naissance du mineur", input("birth_date", { type: "date", value: i.birth_date || "" }),
    { hint: "Pour un mineur seulement : une immersion PMSMP demande 16 ans le premier jour." }),
  field("Nom du représentant légal", input("guardian_name", { value: i.guardian?.name || "", autocomplete: "off" }), { name: "guardian_name" }),
  field("Téléphone du représentant légal", input("guardian_phone", { type: "tel", value: i.guardian?.phone || "" })),
  field("E-mail du représentant légal", input("guardian_email", { type: "email", value: i.guardian?.email || "" })));
const submit = h("button", { type: "submit" }, current ? "Enregistrer" : "Créer le bénéficiaire");
const form = h("form", { class: "card", novalidate: true },
  h("fieldset", {}, h("legend", {}, "Identité"),
    field("Prénom", input("first_name", { value: i.first_name || "", required: true, autocomplete: "off" })),
    field("Nom", input("last_name", { value: i.last_name || "", required: true, autocomplete: "off" })),
    field("Année de naissance", input("birth_year", { type: "number", inputmode: "numeric", min: 1930, max: new Date().getFullYear() - 13, value: i.birth_year || "", required: true })),
    field("E-mail", input("email", { type: "email", value: i.email || "" })),
    field("Téléphone", input("phone", { type: "tel", value: i.phone || "" }))),
  guardian,
  h("fieldset", {}, h("legend", {}, "Projet"),
    autocomplete("target_jobs", "Métier visé (fiche ROME)", { search: searchJobs, describe: jobText, initial: p.target_jobs[0] || "", initialLabel: jobLabel }),
    autocomplete("place_id", "Commune de résidence", { search: searchPlaces, describe: placeText, initial: p.place_id || "", initialLabel: placeLabel }),
    field("Distance de déplacement possible (km)", input("mobility_km", { type: "number", min: 0, max: 300, value: p.mobility_km })),
    field("Situation", select("situation", SITUATIONS, p.situation)),
    field("Niveau de diplôme", select("education_level", LEVELS, p.education_level)),
    choices("Modes de rencontre acceptés", "meeting_modes", MODES, p.meeting_modes)),
  h("fieldset", { dataset: { field: "matching_consent" } }, h("legend", {}, "Consentement"),
    h("label", { class: "inline" }, h("input", { type: "checkbox", name: "matching_consent", checked: current ? current.matching_consent : false }),
      "La personne accepte d'être mise en relation avec des pairs")),
  h("div", { class: "actions" }, submit, h("a", { class: "button secondary", href: current ? `/console/beneficiaries/${editing}` : "/console/beneficiaries" }, "Annuler")));

function body(v) {
  const identity = { first_name: v.first_name.trim(), last_name: v.last_name.trim(), birth_year: Number(v.birth_year) || null,
    birth_date: v.birth_date || null,
    email: v.email.trim(), phone: v.phone.trim(), guardian: v.guardian_name.trim()
      ? { name: v.guardian_name.trim(), phone: v.guardian_phone.trim(), email: v.guardian_email.trim() } : null };
  const modes = [].concat(v.meeting_modes || []);
  const project = { place_id: v.place_id, mobility_km: Number(v.mobility_km), situation: v.situation,
    education_level: v.education_level, target_jobs: v.target_jobs ? [v.target_jobs] : [], meeting_modes: modes,
    sectors: p.sectors || [], languages: p.languages || ["fr"] };
  return { identity, project, matching_consent: Boolean(v.matching_consent) };
}

onSubmit(form, async () => {
  const v = body(values(form));
  const saved = current
    ? await api("profiles", `/beneficiaries/${editing}`, { method: "PATCH", body: { identity: v.identity, project: v.project } })
    : await api("profiles", "/beneficiaries", { method: "POST", body: v });
  location.assign(`/console/beneficiaries/${saved.beneficiary_id}`);
});
show(form);
