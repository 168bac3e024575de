// Create or edit a beneficiary: identity, project (ROME job and place with autocomplete), their path before
// the accompaniment (jobs and trainings) and the transition they are making (chosen, or imposed and why),
// consent.
import { api, autocomplete, choices, field, h, input, jobText, onSubmit, placeText, searchJobs,
  searchPlaces, select, setTitle, show, staffPage, values } from "../app.js";
import { LEVELS, MODES, PREVIOUS_KINDS, SITUATIONS, TRANSITION_REASONS, TRANSITIONS } from "../labels.js";

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
// the path before: one fieldset per step, named previous_steps.N.* so that a refusal lands on its input
const jobNames = { ...(current?.labels.jobs || {}) };
const previousBox = h("div");
function previousRow(step, n) {
  const key = `previous_steps.${n}`;
  const named = step.rome_code ? `${jobNames[step.rome_code] || step.rome_code} (${step.rome_code})` : "";
  return h("fieldset", { class: "step", dataset: { field: key } }, h("legend", {}, `Étape ${n + 1}`),
    field("Nature", select(`${key}.kind`, PREVIOUS_KINDS, step.kind || "job")),
    autocomplete(`${key}.rome_code`, "Métier (fiche ROME)", { search: searchJobs, describe: jobText, initial: step.rome_code || "", initialLabel: named,
      hint: "Obligatoire pour un emploi. Tapez au moins deux lettres puis choisissez dans la liste." }),
    field("Début", input(`${key}.start_month`, { type: "month", value: step.start_month || "", placeholder: "AAAA-MM" })),
    field("Fin (vide si en cours)", input(`${key}.end_month`, { type: "month", value: step.end_month || "", placeholder: "AAAA-MM" })),
    h("button", { type: "button", class: "secondary", onclick: () => {
      const steps = previousSteps();
      steps.splice(n, 1);
      showPrevious(steps);
    } }, "Retirer cette étape"));
}
function previousSteps() {
  return [...previousBox.querySelectorAll("fieldset.step")].map((row, n) => {
    const key = `previous_steps.${n}`;
    const value = (name) => row.querySelector(`[name="${CSS.escape(`${key}.${name}`)}"]`)?.value || "";
    const code = value("rome_code");
    const shown = row.querySelector(`[data-field="${CSS.escape(`${key}.rome_code`)}"] input[type=text]`)?.value || "";
    if (code && shown.endsWith(`(${code})`)) jobNames[code] = shown.slice(0, -code.length - 3);
    return { kind: value("kind"), rome_code: code || null, start_month: value("start_month"), end_month: value("end_month") || null };
  });
}
function showPrevious(steps) {
  previousBox.replaceChildren(...steps.map(previousRow),
    steps.length ? "" : h("p", { class: "muted" }, "Aucun emploi ni formation indiqué."));
}
showPrevious(p.previous_steps || []);
const addPrevious = h("button", { type: "button", class: "secondary", onclick: () => {
  showPrevious([...previousSteps(), { kind: "job" }]);
  previousBox.querySelector("fieldset.step:last-of-type select")?.focus();
} }, "Ajouter un emploi ou une formation");
const transitionKind = select("transition.kind", { "": "Non renseignée", ...TRANSITIONS }, p.transition?.kind || "");
const reasonField = field("Pourquoi est-elle subie ?", select("transition.reason", { "": "Choisissez…", ...TRANSITION_REASONS }, p.transition?.reason || ""),
  { hint: "Le motif reste dans le dossier de la personne : il n'est pas transmis pour la mise en relation." });
reasonField.hidden = transitionKind.value !== "imposed";
transitionKind.addEventListener("change", () => { reasonField.hidden = transitionKind.value !== "imposed"; });
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
  h("fieldset", { dataset: { field: "previous_steps" } }, h("legend", {}, "Parcours avant l'accompagnement"),
    h("p", { class: "hint" }, "Les emplois et formations de la personne : les pairs qui ont fait le même changement lui sont proposés d'abord."),
    previousBox, addPrevious),
  h("fieldset", { dataset: { field: "transition" } }, h("legend", {}, "Transition en cours"),
    field("La personne change de métier par choix, ou y est contrainte ?", transitionKind), reasonField),
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
  const kind = v["transition.kind"];
  const project = { place_id: v.place_id, mobility_km: Number(v.mobility_km), situation: v.situation,
    education_level: v.education_level, target_jobs: v.target_jobs ? [v.target_jobs] : [], meeting_modes: modes,
    sectors: p.sectors || [], languages: p.languages || ["fr"],
    previous_steps: previousSteps().filter((step) => step.rome_code || step.start_month),
    transition: kind ? { kind, reason: kind === "imposed" ? v["transition.reason"] || null : null } : null };
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
