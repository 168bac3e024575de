// A party's page, opened from the link in their e-mail, without an account: the employer confirms or
// declines and signs, the beneficiary signs and agrees with the assessment, the tutor fills it in.
import { api, choices, dateFr, failure, field, h, input, onSubmit, select, setTitle, show } from "../app.js";
import { ATTENDANCE, CONCLUSIONS, CONTRACTS, DECLINE_REASONS, WEEKDAYS } from "../labels.js";

const [, , , conventionId, token] = location.pathname.split("/");
const path = `/links/conventions/${conventionId}/${token}`;

function content(c) {
  return h("section", { class: "card", "aria-labelledby": "content" }, h("h2", { id: "content" }, "La convention"),
    h("dl", {},
      h("dt", {}, "Bénéficiaire"), h("dd", {}, c.beneficiary_name),
      h("dt", {}, "Entreprise d'accueil"), h("dd", {}, `${c.host_name}, ${c.host_address} (${c.host_place})`),
      h("dt", {}, "Tuteur"), h("dd", {}, `${c.tutor_name}, ${c.tutor_job_title}`),
      h("dt", {}, "Objectif"), h("dd", {}, c.objective_label),
      h("dt", {}, "Objectifs opérationnels"), h("dd", {}, h("ul", {}, c.operational_objectives.map((o) => h("li", {}, o)))),
      h("dt", {}, "Évaluation"), h("dd", {}, c.evaluation),
      h("dt", {}, "Métier"), h("dd", {}, c.job_label),
      h("dt", {}, "Activités"), h("dd", {}, c.tasks),
      h("dt", {}, "Lieu"), h("dd", {}, c.workplace),
      h("dt", {}, "Dates"), h("dd", {}, `du ${dateFr(c.start_date)} au ${dateFr(c.end_date)}`),
      h("dt", {}, "Horaires"), h("dd", {}, Object.entries(c.schedule).map(([d, hours]) => `${WEEKDAYS[d]} ${hours} h`).join(", "))));
}

function simple(label, step, description) {
  const submit = h("button", { type: "submit" }, label);
  const form = h("form", { class: "card", novalidate: true }, description ? h("p", {}, description) : null, submit);
  onSubmit(form, () => act(step));
  return form;
}

function withReason(label, step, reasons, legend) {
  const reason = select("reason", reasons, Object.keys(reasons)[0]);
  const note = h("textarea", { name: "note", maxlength: 2000 });
  const submit = h("button", { type: "submit", class: "danger" }, label);
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, legend), field("Motif", reason), field("Précisions", note), submit);
  onSubmit(form, () => act(step, { reason: reason.value, note: note.value }));
  return form;
}

function assessmentForm(c) {
  const yesNo = { true: "Oui", false: "Non" };
  const submit = h("button", { type: "submit" }, "Envoyer le bilan");
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Le bilan de l'immersion"),
    choices("Présence", "attendance", ATTENDANCE, ["completed"], "radio"),
    field("Dernier jour de présence (si présence partielle)", input("last_day_present", { type: "date", min: c.start_date, max: c.end_date })),
    choices("Les objectifs sont-ils atteints ?", "objectives_met", yesNo, ["true"], "radio"),
    choices("Conclusion pour le projet de la personne", "project_conclusion", CONCLUSIONS, ["confirmed"], "radio"),
    choices("Une embauche est-elle envisagée ?", "hired", yesNo, ["false"], "radio"),
    field("Type de contrat", select("contract_kind", { "": "—", ...CONTRACTS }, "")),
    field("Date d'embauche prévue", input("hiring_start", { type: "date" })),
    field("Compétences observées", h("textarea", { name: "skills_observed" }), { hint: "Une par ligne." }),
    field("Commentaires", h("textarea", { name: "comments", maxlength: 4000 })),
    submit);
  onSubmit(form, () => {
    const data = new FormData(form);
    return act("assessment", {
      attendance: data.get("attendance"),
      last_day_present: data.get("last_day_present") || null,
      objectives_met: data.get("objectives_met") === "true",
      project_conclusion: data.get("project_conclusion"),
      hired: data.get("hired") === "true",
      contract_kind: data.get("contract_kind") || null,
      hiring_start: data.get("hiring_start") || null,
      skills_observed: String(data.get("skills_observed")).split("\n").map((s) => s.trim()).filter(Boolean),
      comments: data.get("comments"),
    });
  });
  return form;
}

async function act(step, body) {
  render(await api("placements", `${path}/${step}`, { method: "POST", body }), "Merci, c'est enregistré.");
}

function render(c, done) {
  setTitle(`Convention d'immersion chez ${c.host_name}`);
  const can = new Set(c.can);
  const forms = [];
  if (can.has("confirm")) forms.push(simple("Je confirme accueillir cette immersion", "confirm", "Vous pourrez ensuite signer la convention."));
  if (can.has("decline")) forms.push(withReason("Je ne peux pas accueillir", "decline", DECLINE_REASONS, "Décliner l'accueil"));
  if (can.has("sign") || can.has("sign_last")) forms.push(simple("Je signe la convention", "sign", "En signant, vous acceptez les termes ci-dessous."));
  if (can.has("submit_assessment")) forms.push(assessmentForm(c));
  if (can.has("agree_assessment")) forms.push(simple("Je suis d'accord avec ce bilan", "agree"));
  if (can.has("contest_assessment")) forms.push(withReason("Je conteste ce bilan", "contest", { other: "Je ne suis pas d'accord" }, "Contester le bilan"));
  show(
    done ? h("p", { class: "notice", role: "status", tabindex: "-1", id: "done" }, done) : null,
    h("p", {}, `Vous êtes ${c.you_are_label.toLowerCase()}. Statut : `, h("strong", {}, c.status_label)),
    c.link_used ? h("p", { class: "muted" }, "Ce lien a déjà servi : il montre où en est la convention.") : null,
    c.assessment ? h("section", { class: "card" }, h("h2", {}, "Bilan"), h("p", {}, ATTENDANCE[c.assessment.attendance], " · ",
      CONCLUSIONS[c.assessment.project_conclusion])) : null,
    forms, content(c));
  document.getElementById("done")?.focus();
}

try {
  render(await api("placements", path, { token: null }));
} catch (error) {
  setTitle("Lien indisponible");
  show(failure(error), h("p", {}, "Si besoin, demandez un nouveau lien au conseiller qui suit la convention."));
}
