import { api, field, h, input, onSubmit, session, show } from "../app.js";
import { allowed, landing } from "../roles.js";

const email = input("email", { type: "email", autocomplete: "username", required: true });
const password = input("password", { type: "password", autocomplete: "current-password", required: true });
const submit = h("button", { type: "submit" }, "Se connecter");
const form = h("form", { class: "card", novalidate: true },
  h("p", {}, "Connectez-vous avec votre adresse professionnelle."),
  field("Adresse e-mail", email, { name: "email" }),
  field("Mot de passe", password, { name: "password" }),
  h("div", { class: "actions" }, submit));

onSubmit(form, async () => {
  // a wrong e-mail or password: profiles says so in French, and the form shows it
  const answer = await api("profiles", "/auth/login", { method: "POST", token: null,
    body: { email: email.value.trim(), password: password.value } });
  session.start(answer);
  const next = new URLSearchParams(location.search).get("next");
  const me = await api("profiles", "/auth/me");
  location.assign(next && next.startsWith("/console/") && allowed(next, me.roles) ? next : landing(me.roles));
});
show(form);
email.focus();
