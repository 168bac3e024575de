"""The match score, as pure functions of plain values, each with the reasons a counsellor reads."""

from __future__ import annotations

import math
from dataclasses import dataclass

from services.matching.domain.model import BeneficiaryView, PeerView, Reliability, Step
from services.reference import jobs, labels
from services.reference.places import EARTH_RADIUS_KM

REMOTE_MODES = frozenset({"video", "phone"})
IN_PERSON_MODES = frozenset({"in_person", "company_visit"})
REMOTE_VALUE = 0.6  # a remote meeting is worth a meeting at about half the radius
LANGUAGE_NAMES = {
    "en": "anglais",
    "ar": "arabe",
    "es": "espagnol",
    "de": "allemand",
    "it": "italien",
    "pt": "portugais",
    "tr": "turc",
    "ro": "roumain",
    "ru": "russe",
    "uk": "ukrainien",
}
LIVED_KINDS = frozenset({"job", "apprenticeship", "immersion", "training"})
JOB_LADDER = {"sheet": 1.0, "domain": 0.7, "grand_domain": 0.4, "sector": 0.25}
PATH_POINTS = {
    "same_situation": 0.35,
    "career_change": 0.45,
    "same_move": 0.3,  # the career change started from the beneficiary's own job family
    "same_transition": 0.15,  # chosen or imposed, as the beneficiary's
    "imposed": 0.1,  # an imposed transition, for a beneficiary who did not say which kind theirs is
}
MAX_FAMILIES = 8  # the beneficiary's job families the same move looks at, most recent first
RECENT_MONTHS = 36
FIT_POINTS = {"modes": 0.6, "languages": 0.4}
SITUATION_STEPS = {"job_seeker": "unemployment", "student": "training", "apprentice": "apprenticeship"}
WORKING = frozenset({"job", "apprenticeship"})  # practising the trade, as opposed to learning it first
ENTRY_ROUTES = {  # how the peer came to the target job: the step where they reached it
    "apprenticeship": "Entré(e) dans le métier par l'apprentissage",
    "training": "Entré(e) dans le métier par une formation",
    "immersion": "A découvert le métier par une immersion (PMSMP)",
}


@dataclass(frozen=True)
class Weights:
    job: float = 0.40
    path: float = 0.25
    place: float = 0.15
    fit: float = 0.10
    reliability: float = 0.10


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Part:
    value: float  # 0..1
    reasons: tuple[str, ...] = ()


def _label(code: str) -> str:
    return labels.job_with_code(code)


def lived_jobs(path: tuple[Step, ...]) -> list[str]:
    """The ROME codes of the steps where the peer practised or learnt a job."""
    return [s.rome_code for s in path if s.rome_code and s.kind in LIVED_KINDS]


def job_proximity(targets: tuple[str, ...], path: tuple[Step, ...]) -> Part:
    """Same ROME sheet > same professional domain > same grand domain > linked through NAF sectors."""
    lived = lived_jobs(path)
    best = Part(0.0)
    for target in targets:
        target_sectors = set(jobs.sectors_of(target))
        for code in lived:
            if code == target:
                candidate = Part(JOB_LADDER["sheet"], (f"A exercé le métier visé : {_label(code)}",))
            elif code[:3] == target[:3]:
                candidate = Part(JOB_LADDER["domain"], (f"Même domaine professionnel : {_label(code)}",))
            elif code[0] == target[0]:
                candidate = Part(JOB_LADDER["grand_domain"], (f"Même grande famille de métiers : {_label(code)}",))
            elif target_sectors & set(jobs.sectors_of(code)):
                candidate = Part(
                    JOB_LADDER["sector"], (f"Même secteur d'activité que le métier visé : {_label(code)}",)
                )
            else:
                continue
            if candidate.value > best.value:
                best = candidate
    return best


def _months_ago(month: str | None, today: str) -> int:
    if month is None:
        return 0
    year, mon = int(month[:4]), int(month[5:7])
    return (int(today[:4]) - year) * 12 + int(today[5:7]) - mon


def recency_factor(months_ago: int) -> float:
    """Full weight for the last three years, then fading over ten years to a floor."""
    recency = 1.0 if months_ago <= RECENT_MONTHS else max(0.3, 1 - (months_ago - RECENT_MONTHS) / 120)
    return 0.7 + 0.3 * recency


def families(previous_jobs: tuple[str, ...]) -> tuple[str, ...]:
    """The job families (ROME letter and two digits) the beneficiary worked in, most recent first, at most
    MAX_FAMILIES of them."""
    return tuple(dict.fromkeys(code[:3] for code in previous_jobs))[:MAX_FAMILIES]


def _reaching(domain: str, path: tuple[Step, ...]) -> int | None:
    return next((i for i, s in enumerate(path) if s.rome_code and s.rome_code[:3] == domain), None)


def same_move(
    previous_jobs: tuple[str, ...], targets: tuple[str, ...], path: tuple[Step, ...]
) -> tuple[str, str] | None:
    """The peer left a job of a family the beneficiary worked in for a target domain, as the beneficiary
    wants to: (the job they left, the job they reached), a job the beneficiary held themselves first."""
    if not previous_jobs:
        return None
    known = set(families(previous_jobs))
    for domain in sorted({t[:3] for t in targets}):
        at = _reaching(domain, path)
        if at is None:
            continue
        left = [s.rome_code for s in path[:at] if s.kind == "job" and s.rome_code and s.rome_code[:3] in known]
        if left:
            return next((c for c in reversed(left) if c in previous_jobs), left[-1]), path[at].rome_code or ""
    return None


def arrival(targets: tuple[str, ...], path: tuple[Step, ...]) -> int | None:
    """The step where the path first reaches a target job's domain."""
    domains = {t[:3] for t in targets}
    return next((i for i, s in enumerate(path) if s.rome_code and s.rome_code[:3] in domains), None)


def trajectory(targets: tuple[str, ...], path: tuple[Step, ...]) -> tuple[bool, bool] | None:
    """How the peer came into the target: (a career change, an imposed transition), or None if they did not."""
    at = arrival(targets, path)
    if at is None:
        return None
    domain = (path[at].rome_code or "")[:3]
    return changed_career(path, at, domain), lived_imposed(path, at, domain)


def changed_career(path: tuple[Step, ...], at: int, domain: str) -> bool:
    """A job in another domain before the step that reached this one."""
    return any(s.kind == "job" and s.rome_code and s.rome_code[:3] != domain for s in path[:at])


def lived_imposed(path: tuple[Step, ...], at: int, domain: str) -> bool:
    """An imposed transition on the way into the domain, or back into it later (laid off, then hired again)."""
    return any(s.transition == "imposed" and (i <= at or (s.rome_code or "")[:3] == domain) for i, s in enumerate(path))


def transition_part(wanted: str | None, changed: bool, imposed: bool) -> tuple[float, str]:
    """Points and reason for the kind of transition the peer lived into the target, against the one the
    beneficiary is making (when unknown, an imposed transition counts a little, as before it was asked)."""
    if wanted == "imposed" and imposed:
        kind = "une reconversion subie" if changed else "une transition subie"
        return PATH_POINTS["same_transition"], f"A vécu {kind}, comme vous"
    if wanted == "chosen" and changed and not imposed:
        return PATH_POINTS["same_transition"], "A choisi sa reconversion, comme vous"
    if wanted is None and imposed:
        return PATH_POINTS["imposed"], "A vécu une transition subie"
    return 0.0, ""


def _in_sentence(label: str) -> str:
    """'Vendeur / Vendeuse en épicerie' -> 'vendeur / vendeuse en épicerie' (acronyms kept: 'DRH')."""
    return " / ".join(w[0].lower() + w[1:] if len(w) > 1 and w[1].islower() else w for w in label.split(" / "))


def move_reason(left: str, reached: str, previous_jobs: tuple[str, ...]) -> str:
    was, now = _in_sentence(labels.job(left)), _in_sentence(labels.job(reached))
    if left in previous_jobs:
        return f"A quitté le métier de {was}, comme vous, pour celui de {now}"
    return f"A quitté un métier proche du vôtre ({was}) pour celui de {now}, comme vous"


def path_similarity(beneficiary: BeneficiaryView, path: tuple[Step, ...], today: str) -> Part:
    """The peer once stood where the beneficiary stands: same situation, a career change into the target
    (from the beneficiary's own job family: the same move), the same kind of transition; recent
    experience counts more."""
    reasons = []
    value = 0.0
    stood = SITUATION_STEPS.get(beneficiary.situation)
    same = [s for s in path if stood and s.kind == stood]
    if same:
        value += PATH_POINTS["same_situation"]
        reasons.append(
            {
                "unemployment": "A connu une période sans emploi",
                "training": "A été en formation",
                "apprenticeship": "A été apprenti(e)",
            }[stood or ""]
        )
    at = arrival(beneficiary.target_jobs, path)
    if at is not None:
        domain = (path[at].rome_code or "")[:3]
        changed, imposed = changed_career(path, at, domain), lived_imposed(path, at, domain)
        move = same_move(beneficiary.previous_jobs, beneficiary.target_jobs, path)
        if changed:
            value += PATH_POINTS["career_change"]
            if move is None:
                left = next(
                    s for s in reversed(path[:at]) if s.kind == "job" and s.rome_code and s.rome_code[:3] != domain
                )
                reasons.append(f"S'est reconverti(e) depuis : {_label(left.rome_code or '')}")
        if move is not None:
            value += PATH_POINTS["same_move"]
            reasons.append(move_reason(*move, beneficiary.previous_jobs))
        points, reason = transition_part(beneficiary.transition, changed, imposed)
        value += points
        if reason:
            reasons.append(reason)
        if path[at].kind in ENTRY_ROUTES:
            reasons.append(ENTRY_ROUTES[path[at].kind])
        ago = _months_ago(path[at].start_month, today)
        value = value * recency_factor(ago)
        if ago <= RECENT_MONTHS:
            reasons.append("Expérience récente (moins de 3 ans)")
        tenure = _tenure(path[at:], today)
        if tenure:
            reasons.append(tenure)
    return Part(min(1.0, value), tuple(reasons))


def _tenure(since_arrival: tuple[Step, ...], today: str) -> str:
    """How long the peer has been in the trade, when they still are: one of the things that tell two peers
    of the same job apart."""
    last = since_arrival[-1]
    if last.end_month is not None or last.kind not in WORKING:
        return ""
    months = _months_ago(next(s for s in since_arrival if s.kind in WORKING).start_month, today)
    if months >= 24:
        return f"Dans le métier depuis {months // 12} ans"
    return f"Dans le métier depuis {months} mois" if months >= 2 else ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def place(beneficiary: BeneficiaryView, peer: PeerView) -> Part:
    """Within the mobility radius, decaying with distance; remote modes ignore distance. The better of
    the two counts, so a peer at the edge of the radius who also meets by video is not worse off."""
    remote = beneficiary.meeting_modes & peer.meeting_modes & REMOTE_MODES
    in_person = IN_PERSON_MODES & beneficiary.meeting_modes & peer.meeting_modes
    best = Part(0.0)
    if in_person and peer.latitude is not None and peer.longitude is not None:
        km = distance_km(beneficiary.latitude, beneficiary.longitude, peer.latitude, peer.longitude)
        radius = max(beneficiary.mobility_km, 1)
        if km <= radius:
            best = Part(math.exp(-km / radius), (f"À {km:.0f} km",))
    if remote and best.value < REMOTE_VALUE:
        modes = ", ".join(sorted(_mode(m) for m in remote))
        best = Part(REMOTE_VALUE, (f"Rencontre possible à distance ({modes})",))
    return best


def _mode(mode: str) -> str:
    return {"video": "visio", "phone": "téléphone", "in_person": "en personne", "company_visit": "visite d'entreprise"}[
        mode
    ]


def fit(beneficiary: BeneficiaryView, peer: PeerView) -> Part:
    modes = beneficiary.meeting_modes & peer.meeting_modes
    spoken = beneficiary.languages & peer.languages
    value = (FIT_POINTS["modes"] if modes else 0.0) + (FIT_POINTS["languages"] if spoken else 0.0)
    reasons = []
    if "company_visit" in modes:
        reasons.append("Propose une visite d'entreprise")
    other = sorted(spoken - {"fr"})
    if other:
        reasons.append("Parle " + ", ".join(LANGUAGE_NAMES.get(c, c) for c in other))
    return Part(value, tuple(reasons))


def reliability(stats: Reliability) -> Part:
    """Answer rate, time to answer, meetings held and usefulness, each with a neutral prior (as if the
    peer had a couple of average introductions already), so newcomers are not buried; then lowered by the
    meetings the peer did not come to (none: unchanged)."""
    answer = (stats.answered + 2) / (stats.proposed + 3)
    hours = (stats.answer_hours + 2 * 48) / (stats.answered + 2)
    speed = 72 / (72 + hours)
    held = (stats.meetings + 1) / (stats.answered + 2)
    useful = (stats.useful_sum + 3 * 2) / (5 * (stats.ratings + 2))
    present = (stats.meetings + 2) / (stats.meetings + stats.no_shows + 2)  # each no-show weighs, repeated ones more
    value = (answer + speed + held + useful) / 4 * present
    reasons = []
    if stats.proposed >= 3 and answer >= 0.8:
        reasons.append("Répond aux demandes de mise en relation")
    if stats.answered >= 3 and hours <= 48:
        reasons.append("Répond en général sous 48 h")
    if stats.ratings >= 3 and useful >= 0.8:
        reasons.append("Rencontres jugées utiles")
    return Part(value, tuple(reasons))


@dataclass(frozen=True)
class Scored:
    peer_id: str
    total: float
    breakdown: dict[str, float]
    reasons: tuple[str, ...]
    note: str = ""  # why the ranking placed the peer elsewhere than its score would (`ranking.rank`)


def score(beneficiary: BeneficiaryView, peer: PeerView, today: str, weights: Weights = DEFAULT_WEIGHTS) -> Scored:
    parts = {
        "job": job_proximity(beneficiary.target_jobs, peer.path),
        "path": path_similarity(beneficiary, peer.path, today),
        "place": place(beneficiary, peer),
        "fit": fit(beneficiary, peer),
        "reliability": reliability(peer.reliability),
    }
    total = sum(getattr(weights, name) * part.value for name, part in parts.items())
    reasons = tuple(r for name in ("job", "path", "place", "fit", "reliability") for r in parts[name].reasons)
    return Scored(peer.peer_id, round(total, 4), {k: round(v.value, 3) for k, v in parts.items()}, reasons)


def visible(beneficiary: BeneficiaryView, peer: PeerView) -> bool:
    """A peer of the beneficiary's agency, or one who consented to be seen region-wide, in its region."""
    return peer.agency_id == beneficiary.agency_id or (
        peer.visibility == "region" and peer.region_code == beneficiary.region_code
    )


def eligible(beneficiary: BeneficiaryView, peer: PeerView) -> bool:
    """Hard rules on the pair: consent and visibility, no paused peer, a way to meet (in person only within
    the beneficiary's travel radius), minors with vetted peers. How busy the peer is and what the
    counsellor dismissed are the ranking's concern."""
    if not beneficiary.matching_consent or peer.paused:
        return False
    if not visible(beneficiary, peer):
        return False
    if beneficiary.minor and not peer.vetted:
        return False
    return bool(beneficiary.meeting_modes & peer.meeting_modes) and not out_of_reach(beneficiary, peer)


def out_of_reach(beneficiary: BeneficiaryView, peer: PeerView) -> bool:
    """The two can only meet in person and the peer lives beyond the beneficiary's travel radius (a peer
    without a known town is given the benefit of the doubt)."""
    if beneficiary.meeting_modes & peer.meeting_modes & REMOTE_MODES or peer.latitude is None or peer.longitude is None:
        return False
    km = distance_km(beneficiary.latitude, beneficiary.longitude, peer.latitude, peer.longitude)
    return km > max(beneficiary.mobility_km, 1)


def relevant(job: float) -> bool:
    """A peer is only suggested for a lived path related to the target job (at least its NAF sector)."""
    return job > 0
