import { api, missing, busy, field, h, input, session, show, showErrors } from "../app.js";

const email = input("email", { type: "email", autocomplete: "username", required: true });
const password = input("password", { type: "password", autocomplete: "current-password", required: true });
const submit = h("button", { type: "submit" }, "Se connecter");
const form = h("form", { class: "card", novalidate: true },
  h("p", {}, "Connectez-vous avec votre adresse professionnelle."),
  field("Adresse e-mail", email, { name: "email" }),
  field("Mot de passe", password, { name: "password" }),
  h("div", { class: "actions" }, submit));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  busy(submit, true);
  try {
    const incomplete = missing(form);
    if (incomplete) throw incomplete;
    const answer = await api("profiles", "/auth/login", { method: "POST", token: null,
      body: { email: email.value.trim(), password: password.value } });
    session.token = answer.access_token;
    const next = new URLSearchParams(location.search).get("next");
    location.assign(next && next.startsWith("/console") ? next : "/console/beneficiaries");
  } catch (error) {
    if (error.status === 401) error.detail = "Adresse e-mail ou mot de passe incorrect.";
    showErrors(form, error);
  } finally {
    busy(submit, false);
  }
});
show(form);
email.focus();
