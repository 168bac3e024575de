// Who works where: each section of the console, the roles it is for, and the page each role lands on after
// signing in. One table read by the menu, the landing and every staff page (a page not for the role sends
// it to its own).
export const ROLES = { counsellor: "Conseiller", validator: "Valideur", agency_admin: "Administrateur de la structure",
  regional_coordinator: "Coordination régionale" };

const AGENCY_STAFF = ["counsellor", "validator", "agency_admin"];

// [path prefix, roles]; the most specific prefix first
export const SECTIONS = [
  ["/console/conventions/to-validate", ["validator"]],
  ["/console/beneficiaries", AGENCY_STAFF],
  ["/console/peers", AGENCY_STAFF],
  ["/console/testimonies", AGENCY_STAFF],
  ["/console/introductions", AGENCY_STAFF],
  ["/console/gatherings", ["counsellor"]],
  ["/console/conventions", AGENCY_STAFF],
  ["/console/agency", ["agency_admin"]],
  ["/console/dashboard", ["regional_coordinator", "agency_admin"]],
  ["/console/notifications", [...AGENCY_STAFF, "regional_coordinator"]],
];

// the first role a person has, in this order, says where they land
const LANDINGS = [
  ["regional_coordinator", "/console/dashboard"],
  ["counsellor", "/console/beneficiaries"],
  ["validator", "/console/conventions/to-validate"],
  ["agency_admin", "/console/agency"],
];

export function landing(roles) {
  return (LANDINGS.find(([role]) => roles.includes(role)) || [null, "/console/notifications"])[1];
}

export function allowed(path, roles) {
  const section = SECTIONS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
  return !section || section[1].some((role) => roles.includes(role));
}
