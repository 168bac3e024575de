// French labels of the platform's codes, as people read them.
import { h } from "./common.js";
export const SITUATIONS = { job_seeker: "Demandeur d'emploi", student: "Étudiant ou lycéen", employee: "Salarié",
  apprentice: "Apprenti", neet: "Ni en emploi, ni en études, ni en formation", other: "Autre" };
export const LEVELS = { none: "Sans diplôme", level_3: "CAP, BEP", level_4: "Baccalauréat", level_5: "Bac +2 (BTS, DUT)",
  level_6: "Bac +3 (licence, BUT)", level_7: "Bac +5 (master)", level_8: "Doctorat" };
export const MODES = { in_person: "En personne", video: "En visio", phone: "Par téléphone", company_visit: "Visite d'entreprise" };
export const PURPOSES = { job_inquiry: "Enquête métier", testimony: "Témoignage", company_visit: "Visite d'entreprise",
  mentoring: "Mentorat" };
export const PEER_KINDS = { former_beneficiary: "Ancien bénéficiaire", apprentice: "Apprenti", student: "Étudiant",
  professional: "Professionnel", mentor: "Mentor" };
export const STEP_KINDS = { training: "Formation", job: "Emploi", apprenticeship: "Apprentissage", immersion: "Immersion",
  unemployment: "Recherche d'emploi", other: "Autre" };
export const PREVIOUS_KINDS = { job: "Emploi", training: "Formation", apprenticeship: "Apprentissage" };
export const TRANSITIONS = { chosen: "Choisie", imposed: "Subie" };
export const TRANSITION_REASONS = { redundancy: "Licenciement économique", health: "Raisons de santé",
  end_of_contract: "Fin de contrat", relocation: "Déménagement", other: "Autre raison" };
export const INTRODUCTION_STATUS = { awaiting_beneficiary: "En attente de l'accord de la personne", proposed: "En attente de réponse", accepted: "Acceptée", declined: "Refusée",
  expired: "Expirée", cancelled: "Annulée", met: "Rencontre faite" };
export const OBJECTIVES = { discover: "Découvrir un métier ou un secteur d'activité",
  confirm_project: "Confirmer un projet professionnel", start_recruitment: "Initier une démarche de recrutement" };
export const PARTIES = { counsellor: "Conseiller", validator: "Valideur", employer: "Entreprise d'accueil", tutor: "Tuteur",
  beneficiary: "Bénéficiaire", legal_representative: "Représentant légal", system: "Plateforme" };
export const ACTIONS = { send: "Envoyer à l'entreprise d'accueil", revise: "Reprendre en brouillon", pre_validate: "Pré-valider",
  validate: "Valider", reject: "Refuser", cancel: "Annuler la convention" };
export const ATTENDANCE = { completed: "Présent sur toute la période", partly: "Présent une partie de la période",
  did_not_show: "Ne s'est pas présenté" };
export const CONCLUSIONS = { confirmed: "Projet confirmé", adjusted: "Projet ajusté", dropped: "Projet abandonné" };
export const CONTRACTS = { cdi: "CDI", cdd: "CDD", interim: "Intérim", apprenticeship: "Apprentissage",
  professionalisation: "Contrat de professionnalisation", integration: "Contrat d'insertion", other: "Autre" };
export const WEEKDAYS = { monday: "Lundi", tuesday: "Mardi", wednesday: "Mercredi", thursday: "Jeudi", friday: "Vendredi",
  saturday: "Samedi", sunday: "Dimanche" };
export const STOP_REASONS = { not_fitting_path: "Ne correspond pas au parcours", incomplete: "Dossier incomplet",
  beneficiary_withdrew: "Le bénéficiaire renonce", employer_withdrew: "L'entreprise d'accueil renonce", found_a_job: "Emploi trouvé",
  health: "Santé", other: "Autre (préciser)" };
export const DECLINE_REASONS = { no_capacity: "Pas de disponibilité", dates: "Les dates ne conviennent pas",
  not_suitable: "Le poste ne s'y prête pas", other: "Autre (préciser)" };
export const PEER_DECLINE = { no_time: "Pas le temps en ce moment", not_my_field: "Ce n'est pas mon domaine",
  too_far: "C'est trop loin", not_now: "Pas maintenant", other: "Autre" };
export const DONE = { draft: "Brouillon créé", send: "Envoyée à l'entreprise d'accueil", confirm: "Confirmée par l'entreprise d'accueil",
  decline: "Refusée par l'entreprise d'accueil", revise: "Reprise en brouillon", sign: "Signée", sign_last: "Signée par tous",
  pre_validate: "Pré-validée", validate: "Validée", reject: "Refusée", cancel: "Annulée", start: "Immersion commencée",
  end: "Immersion terminée", submit_assessment: "Bilan rempli par le tuteur", agree_assessment: "Bilan accepté",
  contest_assessment: "Bilan contesté", renew: "Renouvelée", expire: "Expirée" };
export const CONTACT_CHANNELS = { platform: "Par la plateforme, sans donner mon adresse (messages relayés par e-mail)",
  email: "Par e-mail", phone: "Par téléphone" };
export const VENUES = { in_person: "En personne", video: "En visio" };
export const PROJECT_EFFECTS = { confirms: "Elle confirme le projet", adjusts: "Le projet s'ajuste",
  questions: "Elle remet le projet en question", no_change: "Rien ne change pour le projet" };
export const APPOINTMENT_STATUS = { scheduled: "Prévue", rescheduled: "Déplacée", cancelled: "Annulée" };
export const CONCERN_REASONS = { behaviour: "Propos ou comportement déplacés", safety: "Sentiment d'insécurité",
  no_show: "Absence sans prévenir", other: "Autre" };

// A code's label first, the code after it in small print (never a code alone): `labels` is the `labels`
// object an API answer carries beside its codes ({jobs, sectors, places}).
export function coded(label, code) {
  if (!code) return label || "";
  if (!label || label === code) return h("span", {}, "code ", h("small", { class: "code" }, code));
  return h("span", {}, label, " ", h("small", { class: "code" }, code));
}
export const jobOf = (labels, code) => coded(labels?.jobs?.[code], code);
export const jobsOf = (labels, codes) => codes.map((code, n) => [n ? ", " : "", jobOf(labels, code)]);
export const sectorOf = (labels, code) => coded(labels?.sectors?.[code], code);
export const placeOf = (labels, id) => labels?.places?.[id] || "";
