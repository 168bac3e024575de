import { api, h, show, staffPage, timeFr } from "../app.js";

await staffPage();
async function load() {
  const all = await api("notifications", "/inbox", { query: { limit: 100 } });
  show(all.length ? h("ul", { style: "list-style:none;padding:0" }, all.map((n) => h("li", { class: "card" },
    h("h2", {}, h("a", { href: n.url || "/console" }, n.title), n.read ? "" : h("span", { class: "tag warn" }, " non lue")),
    h("p", {}, n.body), h("p", { class: "hint" }, timeFr(n.created_at))))) : h("p", {}, "Aucune notification."));
}
document.addEventListener("parcours:notification", load);
await load();
