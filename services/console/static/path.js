// A lived path as a timeline, oldest step first.
import { h, monthFr } from "./app.js";
import { CONCLUSIONS, STEP_KINDS } from "./labels.js";

export function timeline(steps) {
  const ordered = [...steps].sort((a, b) => String(a.start_month || a.start_date).localeCompare(String(b.start_month || b.start_date)));
  return h("ol", { class: "timeline", "aria-label": "Parcours vécu" }, ordered.map((step) => {
    const from = step.start_month ? monthFr(step.start_month) : step.start_date;
    const to = step.start_month ? monthFr(step.end_month) : step.end_date;
    return h("li", {},
      h("strong", {}, STEP_KINDS[step.kind] || step.kind), step.rome_code ? ` · ${step.rome_code}` : "",
      h("br"), h("span", { class: "muted" }, `${from} → ${to}`),
      step.transition ? h("span", { class: "muted" }, step.transition === "chosen" ? " · choisi" : " · subi") : null,
      step.outcome ? h("span", {}, ` · ${CONCLUSIONS[step.outcome] || step.outcome}`) : null,
      step.text ? h("p", {}, step.text) : null);
  }));
}
