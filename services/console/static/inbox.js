// The live notification area of every staff page: the unread count, a panel with the latest
// notifications, and a toast when one arrives or grows (Server-Sent Events, resumed after a cut).
import { api, h, timeFr, toast } from "./common.js";

const badge = () => document.getElementById("unread");

function setUnread(count) {
  badge().textContent = String(count);
  badge().dataset.count = String(count);
}

function entry(notification) {
  const open = async (event) => {
    event.preventDefault();
    await api("notifications", `/inbox/${notification.notification_id}/read`, { method: "POST" }).catch(() => {});
    location.assign(notification.url || "/console");
  };
  return h("li", { class: notification.read ? "read" : "unread" },
    h("a", { href: notification.url || "/console", onclick: open }, notification.title),
    notification.read ? null : h("span", { class: "visually-hidden" }, " (non lue)"),
    h("p", { class: "muted" }, notification.body),
    h("p", { class: "hint" }, timeFr(notification.created_at)));
}

async function fillPanel(panel) {
  const latest = await api("notifications", "/inbox", { query: { limit: 10 } });
  const readAll = h("button", { type: "button", class: "secondary", onclick: async () => {
    await api("notifications", "/inbox/read-all", { method: "POST" });
    setUnread(0);
    await fillPanel(panel);
  } }, "Tout marquer comme lu");
  panel.replaceChildren(
    h("h2", {}, "Notifications"),
    latest.length ? h("ul", { class: "inbox-list" }, latest.map(entry)) : h("p", {}, "Aucune notification pour l'instant."),
    h("div", { class: "actions" }, readAll, h("a", { href: "/console/notifications" }, "Toutes mes notifications")),
  );
}

// The stream opens with a single-use ticket asked for each time (the API token never goes in a URL);
// it ends with the session that asked for it, and the next ticket comes with the renewed session.
let lastSeen = "";  // the next stream starts after it

async function listen() {
  let ticket;
  try {
    ({ ticket } = await api("notifications", "/stream-tickets", { method: "POST" }));
  } catch (error) {
    if (error.status !== 401) setTimeout(listen, 5000);
    return;
  }
  const resume = lastSeen ? `&last_event_id=${encodeURIComponent(lastSeen)}` : "";
  const stream = new EventSource(`/api/notifications/inbox/stream?ticket=${encodeURIComponent(ticket)}${resume}`);
  stream.addEventListener("notification", (event) => {
    lastSeen = event.lastEventId || lastSeen;
    const notification = JSON.parse(event.data);
    // a grouped suggestion that grew comes again under its id: the count is asked, not added to
    api("notifications", "/inbox/unread-count").then(({ unread }) => setUnread(unread)).catch(() => {});
    toast(`${notification.title} — ${notification.body}`, notification.url);
    const panel = document.getElementById("inbox-panel");
    if (!panel.hidden) fillPanel(panel);
    document.dispatchEvent(new CustomEvent("parcours:notification", { detail: notification }));
  });
  stream.addEventListener("error", () => {
    stream.close();  // EventSource would reconnect with the same ticket, used already
    setTimeout(listen, 2000);
  });
}

export async function startInbox() {
  const bell = document.getElementById("bell");
  const panel = document.getElementById("inbox-panel");
  bell.addEventListener("click", async () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    bell.setAttribute("aria-expanded", String(opening));
    if (opening) await fillPanel(panel);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      panel.hidden = true;
      bell.setAttribute("aria-expanded", "false");
      bell.focus();
    }
  });
  const { unread } = await api("notifications", "/inbox/unread-count");
  setUnread(unread);
  listen();
}
