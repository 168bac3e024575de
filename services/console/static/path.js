// A lived path as a timeline, oldest step first: each step's job, employer, sector and town in words
// (`labels`: the answer's labels of its codes), the codes after them in small print.
import { h, monthFr } from "./app.js";
import { CONCLUSIONS, STEP_KINDS, TRANSITION_REASONS, jobOf, placeOf, sectorOf } from "./labels.js";

// Why an imposed transition happened, in a sentence: "licenciement économique"
export const reasonText = (reason) => (TRANSITION_REASONS[reason] || reason).toLowerCase();

// How the move into a step was lived: "choisi", "subi", "subi (licenciement économique)"
export function lived(transition, reason) {
  if (!transition) return "";
  if (transition === "chosen") return "choisi";
  return reason ? `subi (${reasonText(reason)})` : "subi";
}

export function timeline(steps, labels = {}) {
  const ordered = [...steps].sort((a, b) => String(a.start_month || a.start_date).localeCompare(String(b.start_month || b.start_date)));
  return h("ol", { class: "timeline", "aria-label": "Parcours vécu" }, ordered.map((step) => {
    const from = step.start_month ? monthFr(step.start_month) : step.start_date;
    const to = step.start_month ? monthFr(step.end_month) : step.end_date;
    const town = placeOf(labels, step.place_id);
    return h("li", {},
      h("strong", {}, STEP_KINDS[step.kind] || step.kind), step.rome_code ? [" · ", jobOf(labels, step.rome_code)] : "",
      step.employer ? h("span", {}, ` · chez ${step.employer}`) : null,
      step.naf_division ? h("span", { class: "muted" }, " · secteur ", sectorOf(labels, step.naf_division)) : null,
      town ? h("span", { class: "muted" }, ` · ${town}`) : null,
      h("br"), h("span", { class: "muted" }, `${from} → ${to}`),
      step.transition ? h("span", { class: "muted" }, ` · ${lived(step.transition, step.transition_reason)}`) : null,
      step.outcome ? h("span", {}, ` · ${CONCLUSIONS[step.outcome] || step.outcome}`) : null,
      step.text ? h("p", {}, step.text) : null);
  }));
}
