// Counsellors browse the testimonies their agency may see by job, watch one (seeking works: the file is
// read by ranges) and share it with one of their beneficiaries by an expiring link.
import { api, autocomplete, failure, field, h, input, jobText, onSubmit, searchJobs, select, setTitle, show, staffPage } from "../app.js";
import { FORMATS, player } from "../testimony.js";

await staffPage();
const params = new URLSearchParams(location.search);
const job = params.get("job") || "";

function shareForm(testimony, beneficiaries) {
  const form = h("form", { class: "share", novalidate: true },
    field("Partager avec", select("beneficiary_id", Object.fromEntries(beneficiaries.map((b) => [b.beneficiary_id, `${b.identity.first_name} ${b.identity.last_name}`])))),
    field("Durée du lien (jours)", input("days", { type: "number", min: 1, max: 30, value: 14, inputmode: "numeric" })),
    h("button", { type: "submit", class: "secondary" }, "Créer le lien de partage"));
  const out = h("p", { role: "status" });
  onSubmit(form, async () => {
    const share = await api("profiles", `/testimonies/${testimony.testimony_id}/shares`, { method: "POST",
      body: { beneficiary_id: form.elements.beneficiary_id.value, days: Number(form.elements.days.value) } });
    const url = new URL(share.page, location.origin).href;
    out.replaceChildren("Lien à transmettre (valable jusqu'au ", new Date(share.expires_at).toLocaleDateString("fr-FR"), ") : ",
      h("a", { href: url, class: "share-link" }, url));
  });
  return h("div", {}, form, out);
}

async function render() {
  const search = h("form", { class: "card", role: "search", method: "get" },
    autocomplete("job", "Métier", { search: searchJobs, describe: jobText, initial: job }),
    h("button", { type: "submit" }, "Chercher"));
  if (!job) {
    show(search, h("p", {}, "Choisissez un métier pour voir les témoignages de pairs qui l'exercent ou s'y sont formés."));
    return;
  }
  const [found, beneficiaries] = await Promise.all([
    api("profiles", "/testimonies", { query: { job } }),
    api("profiles", "/beneficiaries", { query: { limit: 200 } }),
  ]);
  setTitle(`Témoignages · ${found[0]?.labels.jobs[job] || job}`);
  show(search, found.length ? h("ul", { class: "testimonies" }, found.map((t) => h("li", { class: "card" },
    h("p", { class: "muted" }, FORMATS[t.format]), player(t), shareForm(t, beneficiaries))))
    : h("p", {}, "Aucun témoignage visible par votre agence pour ce métier."));
}

try {
  await render();
} catch (error) {
  show(failure(error));
}
