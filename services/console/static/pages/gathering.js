// One forum, fair, open day or information session: what, when, where; the agency's beneficiaries whose
// target jobs meet its jobs, to invite and register; those registered (and their CSV); the witnesses; the
// attendance once it has begun; cancelling it (the publishing agency).
import { api, describe, download, failure, field, h, onSubmit, setTitle, show, staffPage, toast } from "../app.js";
import { jobOf, jobsOf, PEER_KINDS, placeOf } from "../labels.js";

await staffPage();
const id = location.pathname.split("/")[3];

function summary(g) {
  const cancel = g.actions.includes("cancel") ? h("button", { type: "button", class: "secondary", onclick: async () => {
    if (!confirm(`Annuler « ${g.title} » ? Les personnes invitées et inscrites et les témoins sont prévenus.`)) return;
    render(await api("matching", `/gatherings/${id}/cancel`, { method: "POST" }), "Événement annulé : chacun est prévenu par e-mail.");
  } }, "Annuler l'événement") : null;
  return h("section", { class: "card", "aria-label": "L'événement" },
    h("p", {}, h("span", { class: "tag" }, g.kind_label), " ",
      h("span", { class: g.status === "cancelled" ? "tag bad" : "tag ok" }, g.status_label)),
    h("p", {}, h("strong", {}, "Quand : "), g.when),
    h("p", {}, h("strong", {}, "Où : "), `${g.address}, ${placeOf(g.labels, g.place_id)}`),
    h("p", {}, h("strong", {}, "Métiers : "), jobsOf(g.labels, g.jobs)),
    h("p", {}, h("strong", {}, "Places : "), `${g.places_left} libre(s) sur ${g.capacity} (${g.registered_count} inscrit(s) en tout)`),
    h("p", {}, h("strong", {}, "Visible par : "), g.visibility_label),
    g.description ? h("p", {}, g.description) : null,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => download("matching", `/gatherings/${id}/registrations.csv`, `inscrits-${id}.csv`)
        .catch((error) => toast(describe(error))) }, "Exporter la liste (CSV)"),
      cancel));
}

async function act(path, body, done) {
  try {
    render(await api("matching", path, { method: "POST", body }), done);
  } catch (error) {
    toast(describe(error));
    render(await api("matching", `/gatherings/${id}`));
  }
}

function candidateRow(c) {
  const invite = c.invited ? null : h("button", { type: "button", class: "secondary",
    onclick: () => act(`/gatherings/${id}/invitations`, { beneficiary_id: c.beneficiary_id }, `${c.name} est invité(e) : l'invitation part par e-mail.`) },
  `Inviter ${c.name}`);
  const register = c.registered ? null : h("button", { type: "button",
    onclick: () => act(`/gatherings/${id}/registrations`, { beneficiary_id: c.beneficiary_id }, `${c.name} est inscrit(e).`) },
  `Inscrire ${c.name}`);
  return h("tr", {},
    h("th", { scope: "row" }, h("a", { href: `/console/beneficiaries/${c.beneficiary_id}` }, c.name)),
    h("td", { "data-label": "Métier visé" }, jobsOf(c.labels, c.shared_jobs)),
    h("td", { "data-label": "Où en est-il" }, c.registered ? "Inscrit(e)" : c.invited ? "Invité(e)" : "—"),
    h("td", { "data-label": "Agir" }, invite, " ", register));
}

function candidates(g) {
  if (!g.actions.includes("invite")) return null;
  const box = h("section", { "aria-labelledby": "candidates-title" },
    h("h2", { id: "candidates-title" }, "Vos bénéficiaires qui visent ces métiers"));
  api("matching", `/gatherings/${id}/candidates`).then((found) => {
    const head = h("thead", {}, h("tr", {}, ["Bénéficiaire", "Métier visé", "Où en est-il", "Agir"].map((name) => h("th", { scope: "col" }, name))));
    box.append(found.length ? h("div", { class: "table-wrap" }, h("table", { class: "stack" }, head, h("tbody", {}, found.map(candidateRow))))
      : h("p", {}, "Aucun de vos bénéficiaires ne vise ces métiers."));
  }).catch((error) => box.append(failure(error)));
  return box;
}

function people(g) {
  const registered = g.people.filter((p) => p.registered);
  const box = h("section", { "aria-labelledby": "people-title" }, h("h2", { id: "people-title" }, "Vos inscrits"));
  if (!registered.length) return [box, h("p", {}, "Personne de votre structure n'est encore inscrit.")];
  if (g.attendance_open) {
    const form = h("form", { class: "card", novalidate: true },
      h("p", {}, "L'événement a commencé : indiquez qui est venu."),
      registered.map((p) => h("fieldset", {}, h("legend", {}, p.name),
        ...[["true", "Présent(e)"], ["false", "Absent(e)"]].map(([value, label]) => h("label", { class: "inline" },
          h("input", { type: "radio", name: `present-${p.beneficiary_id}`, value, checked: p.present === (value === "true") }), label)))),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Enregistrer les présences")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const attendance = registered.map((p) => ({ beneficiary_id: p.beneficiary_id,
        present: form.querySelector(`[name="present-${p.beneficiary_id}"]:checked`)?.value })).filter((line) => line.present)
        .map((line) => ({ ...line, present: line.present === "true" }));
      if (!attendance.length) return toast("Cochez présent ou absent pour au moins une personne.");
      act(`/gatherings/${id}/attendance`, { attendance }, "Présences enregistrées.");
    });
    return [box, form];
  }
  return [box, h("ul", {}, registered.map((p) => h("li", {}, h("a", { href: `/console/beneficiaries/${p.beneficiary_id}` }, p.name),
    g.actions.includes("unregister") ? [" ", h("button", { type: "button", class: "secondary", onclick: async () => {
      try {
        render(await api("matching", `/gatherings/${id}/registrations/${p.beneficiary_id}`, { method: "DELETE" }), `La place de ${p.name} est libérée.`);
      } catch (error) { toast(describe(error)); }
    } }, `Désinscrire ${p.name}`)] : null)))];
}

// a counsellor records a peer who said they would come (the peers their agency sees, for the first job)
function witnessForm(g) {
  if (!g.actions.includes("volunteer")) return null;
  const peer = h("select", { name: "peer_id", required: true }, h("option", { value: "" }, "Choisir un pair"));
  const form = h("form", { class: "card", novalidate: true },
    field("Pair qui vient témoigner", peer, { hint: "Les pairs de votre structure qui ont exercé un de ces métiers." }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Noter ce témoin")));
  api("profiles", "/peers", { query: { job: g.jobs[0], limit: 50 } }).then((found) => peer.append(...found
    .filter((p) => !g.witnesses.some((w) => w.peer_id === p.peer_id))
    .map((p) => h("option", { value: p.peer_id }, `${p.first_name} ${p.last_name}`)))).catch(() => {});
  onSubmit(form, async () => {
    render(await api("matching", `/gatherings/${id}/witnesses`, { method: "POST", body: { peer_id: peer.value } }), "Témoin noté.");
  });
  return form;
}

function witnesses(g) {
  return [h("h2", {}, "Pairs témoins"),
    g.witnesses.length ? h("ul", {}, g.witnesses.map((w) => h("li", {}, `${w.first_name} (${(PEER_KINDS[w.kind] || "pair").toLowerCase()})`,
      " · témoigne pour : ", jobOf(g.labels, w.job), w.by === "peer" ? " · s'est proposé(e)" : " · noté(e) par un conseiller")))
      : h("p", {}, "Aucun pair témoin pour l'instant. Les pairs qui ont exercé ces métiers le voient depuis leur profil."),
    witnessForm(g)];
}

function render(g, done) {
  setTitle(g.title);
  show(done ? h("p", { class: "notice", role: "status" }, done) : null, summary(g), candidates(g), people(g), witnesses(g));
}

try {
  render(await api("matching", `/gatherings/${id}`));
} catch (error) {
  show(failure(error));
}
