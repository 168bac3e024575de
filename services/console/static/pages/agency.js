// An agency admin's work: the agency's name, how it validates PMSMP conventions, and its team's accounts.
import { api, choices, failure, field, h, input, onSubmit, select, show, staffPage, toast, values } from "../app.js";
import { ROLES } from "../roles.js";

const me = await staffPage();
const STAFF_ROLES = { counsellor: ROLES.counsellor, validator: ROLES.validator, agency_admin: ROLES.agency_admin };
const VALIDATION = { one_step: "En une étape : le valideur valide", two_step: "En deux étapes : pré-validation puis validation" };
const team = h("div", { "aria-live": "polite" });

function renameForm(agency) {
  const name = input("name", { value: agency.name, required: true, autocomplete: "organization" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "agency-name" },
    h("h2", { id: "agency-name" }, "La structure"),
    field("Nom de la structure", name, { name: "name", hint: "Tel que les bénéficiaires, les pairs et les employeurs le liront." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer le nom")));
  onSubmit(form, async () => {
    const saved = await api("profiles", `/agencies/${me.agency_id}`, { method: "PATCH", body: { name: name.value } });
    name.value = saved.name;
    toast("Le nom de la structure est enregistré.");
  });
  return form;
}

function validationForm(current) {
  const mode = select("validation", VALIDATION, current);
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "validation-title" },
    h("h2", { id: "validation-title" }, "Validation des conventions PMSMP"),
    field("Circuit de validation", mode, { name: "validation" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer le circuit")));
  onSubmit(form, async () => {
    await api("placements", "/agency/validation", { method: "PUT", body: { validation: mode.value } });
    toast("Le circuit de validation est enregistré.");
  });
  return form;
}

function closeButton(member) {
  const confirmBox = h("div", { class: "confirm", hidden: true },
    h("p", {}, `Fermer le compte de ${member.name} ? Cette personne ne pourra plus se connecter ; un compte fermé l'est définitivement.`),
    h("button", { type: "button", class: "danger", onclick: async () => {
      try {
        await api("profiles", `/agencies/${me.agency_id}/staff/${member.staff_id}/deactivate`, { method: "POST" });
        toast(`Le compte de ${member.name} est fermé.`);
        await loadTeam();
      } catch (error) {
        confirmBox.replaceChildren(failure(error));
      }
    } }, "Oui, fermer le compte"),
    h("button", { type: "button", class: "secondary", onclick: () => { confirmBox.hidden = true; } }, "Non, garder le compte"));
  const open = h("button", { type: "button", class: "secondary", onclick: () => { confirmBox.hidden = false; } }, "Fermer le compte…");
  return [open, confirmBox];
}

async function loadTeam() {
  try {
    const members = await api("profiles", `/agencies/${me.agency_id}/staff`);
    team.replaceChildren(h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Équipe de la structure" },
      h("table", { class: "stack" }, h("caption", { class: "visually-hidden" }, "Équipe de la structure"),
        h("thead", {}, h("tr", {}, ["Nom", "Adresse e-mail", "Rôles", "Compte", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, members.map((m) => h("tr", {},
          h("td", { "data-label": "Nom" }, m.name), h("td", { "data-label": "Adresse e-mail" }, m.email),
          h("td", { "data-label": "Rôles" }, m.roles.map((r) => ROLES[r] || r).join(", ")),
          h("td", { "data-label": "Compte" }, m.active ? "Ouvert" : "Fermé"),
          h("td", { "data-label": "Action" }, m.active && m.staff_id !== me.staff_id ? closeButton(m) : null)))))));
  } catch (error) {
    team.replaceChildren(failure(error));
  }
}

function newAccountForm() {
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-account" },
    h("h2", { id: "new-account" }, "Ouvrir un compte"),
    field("Nom et prénom", input("name", { required: true, autocomplete: "off" }), { name: "name" }),
    field("Adresse e-mail professionnelle", input("email", { type: "email", required: true, autocomplete: "off" }), { name: "email" }),
    choices("Rôles", "roles", STAFF_ROLES, ["counsellor"]),
    field("Mot de passe provisoire", input("password", { type: "password", required: true, autocomplete: "new-password" }),
      { name: "password", hint: "Au moins 12 caractères ; transmettez-le à la personne, qui le gardera pour se connecter." }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Ouvrir le compte")));
  onSubmit(form, async () => {
    const body = values(form);
    body.roles = [].concat(body.roles || []);
    await api("profiles", `/agencies/${me.agency_id}/staff`, { method: "POST", body });
    form.reset();
    toast(`Le compte de ${body.name} est ouvert.`);
    await loadTeam();
  });
  return form;
}

try {
  const [agencies, validation] = await Promise.all([api("profiles", "/agencies"), api("placements", "/agency/validation")]);
  const agency = agencies.find((a) => a.agency_id === me.agency_id);
  show(agency ? renameForm(agency) : null, validationForm(validation.validation),
    h("section", { class: "card", "aria-labelledby": "team-title" }, h("h2", { id: "team-title" }, "L'équipe"), team),
    newAccountForm());
  await loadTeam();
} catch (error) {
  show(failure(error));
}
