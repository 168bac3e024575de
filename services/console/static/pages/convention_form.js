// Write a PMSMP convention (a draft): the beneficiary, the host and its tutor, the objective, the job, dates
// and hours. Every problem comes back on its field.
import { api, autocomplete, field, h, input, jobText, onSubmit, placeText, searchJobs, searchPlaces,
  select, setTitle, show, staffPage, values } from "../app.js";
import { OBJECTIVES, WEEKDAYS } from "../labels.js";

await staffPage();
// /console/conventions/{id}/edit changes a draft (PUT); otherwise a new draft for ?beneficiary=
const editing = location.pathname.match(/^\/console\/conventions\/([^/]+)\/edit$/)?.[1];
const current = editing ? await api("placements", `/conventions/${editing}`).catch(() => null) : null;
const beneficiaryId = current ? current.beneficiary_id : new URLSearchParams(location.search).get("beneficiary");
const b = beneficiaryId ? await api("profiles", `/beneficiaries/${beneficiaryId}`).catch(() => null) : null;
if (editing && current?.status !== "draft") {
  show(h("p", { class: "card" }, current ? "Seul un brouillon se modifie : reprenez d'abord la convention en brouillon depuis sa page. "
    : "Cette convention est introuvable. ", h("a", { href: `/console/conventions/${editing}` }, "Page de la convention")));
} else if (!b) {
  show(h("p", {}, "Choisissez d'abord le bénéficiaire : ", h("a", { href: "/console/beneficiaries" }, "liste des bénéficiaires"),
    ", puis « Préparer une immersion PMSMP » sur sa page."));
} else {
  const text = (name, label, attributes = {}) => field(label, input(name, { autocomplete: "off", ...attributes }));
  const area = (name, label, hint) => field(label, h("textarea", { name }), { hint });
  const submit = h("button", { type: "submit" }, "Enregistrer le brouillon");
  const form = h("form", { class: "card", novalidate: true },
    h("p", {}, `Pour ${b.identity.first_name} ${b.identity.last_name}.`),
    h("fieldset", {}, h("legend", {}, "Le bénéficiaire"),
      text("beneficiary.first_name", "Prénom", { value: b.identity.first_name }),
      text("beneficiary.last_name", "Nom", { value: b.identity.last_name }),
      text("beneficiary.email", "E-mail (pour signer)", { type: "email", value: b.identity.email }),
      text("beneficiary.phone", "Téléphone", { type: "tel", value: b.identity.phone })),
    b.minor ? h("fieldset", { dataset: { field: "legal_representative" } }, h("legend", {}, "Représentant légal"),
      text("legal_representative.name", "Nom", { value: b.identity.guardian?.name || "" }),
      text("legal_representative.email", "E-mail (pour signer)", { type: "email", value: b.identity.guardian?.email || "" }),
      text("legal_representative.phone", "Téléphone", { type: "tel", value: b.identity.guardian?.phone || "" })) : null,
    h("fieldset", {}, h("legend", {}, "L'entreprise d'accueil"),
      text("host.name", "Raison sociale"),
      text("host.siret", "SIRET (14 chiffres)", { inputmode: "numeric" }),
      text("host.address", "Adresse"),
      autocomplete("host.place_id", "Commune", { search: searchPlaces, describe: placeText }),
      text("host.contact_name", "Signataire pour l'entreprise"),
      text("host.email", "E-mail du signataire", { type: "email" }),
      text("host.phone", "Téléphone", { type: "tel" })),
    h("fieldset", {}, h("legend", {}, "Le tuteur"),
      text("tutor.name", "Nom du tuteur"), text("tutor.job_title", "Fonction"),
      text("tutor.email", "E-mail du tuteur (pour le bilan)", { type: "email" }), text("tutor.phone", "Téléphone", { type: "tel" })),
    h("fieldset", {}, h("legend", {}, "L'immersion"),
      field("Objectif", select("objective", OBJECTIVES, "discover")),
      autocomplete("rome_code", "Métier (fiche ROME)", { search: searchJobs, describe: jobText, initial: b.project.target_jobs[0] || "",
        initialLabel: b.project.target_jobs[0] ? jobText({ code: b.project.target_jobs[0], label: b.labels.jobs[b.project.target_jobs[0]] }) : "" }),
      area("operational_objectives", "Objectifs opérationnels", "Un par ligne."),
      area("evaluation", "Modalités d'évaluation"),
      area("tasks", "Activités confiées"),
      text("workplace", "Lieu, s'il diffère de l'adresse"),
      text("start_date", "Premier jour", { type: "date" }), text("end_date", "Dernier jour", { type: "date" })),
    h("fieldset", { dataset: { field: "schedule" } }, h("legend", {}, "Heures par jour"),
      h("div", { class: "row" }, Object.entries(WEEKDAYS).map(([day, label]) =>
        field(label, input(`schedule.${day}`, { type: "number", min: 0, max: 10, step: 0.5, value: ["saturday", "sunday"].includes(day) ? 0 : 7, inputmode: "decimal" }))))),
    h("div", { class: "actions" }, submit, h("a", { class: "button secondary", href: `/console/beneficiaries/${b.beneficiary_id}` }, "Annuler")));

  onSubmit(form, async (event) => {
    const body = { beneficiary_id: b.beneficiary_id, schedule: {} };
    for (const [key, value] of Object.entries(values(form))) {
      const [head, tail] = key.split(".");
      if (head === "schedule") { if (Number(value) > 0) body.schedule[tail] = Number(value); continue; }
      if (tail) (body[head] ||= {})[tail] = String(value).trim();
      else body[head] = String(value).trim();
    }
    body.operational_objectives = body.operational_objectives.split("\n").map((line) => line.trim()).filter(Boolean);
    if (current) {
      delete body.beneficiary_id;
      await api("placements", `/conventions/${current.convention_id}`, { method: "PUT", body });
      location.assign(`/console/conventions/${current.convention_id}`);
      return;
    }
    const saved = await api("placements", "/conventions", { method: "POST", body });
    location.assign(`/console/conventions/${saved.convention_id}`);
  });
  if (current) {
    fill(form, current.terms);
    submit.textContent = "Enregistrer les modifications";
    form.querySelector(".actions a").setAttribute("href", `/console/conventions/${current.convention_id}`);
    setTitle(`Modifier la convention de ${b.identity.first_name} ${b.identity.last_name}`);
  }
  show(form);
}

// A draft's terms into the form's fields, by their names ("host.siret", "schedule.monday", ...)
function fill(form, terms) {
  for (const control of form.querySelectorAll("[name]")) {
    const [head, tail] = control.name.split(".");
    let value = tail ? terms[head]?.[tail] : terms[head];
    if (head === "schedule") value = terms.schedule[tail] || 0;
    if (Array.isArray(value)) value = value.join("\n");
    if (value === undefined || value === null) continue;
    control.value = value;
    const box = control.type === "hidden" ? control.parentElement.querySelector('input[type="text"]') : null;
    if (box) { box.value = value; box.dataset.code = value; }
  }
}
