"""The match score, as pure functions of plain values, each with the reasons a counsellor reads."""

from __future__ import annotations

import math
from dataclasses import dataclass

from services.matching.domain.model import BeneficiaryView, PeerView, Reliability, Step
from services.reference import jobs
from services.reference.places import EARTH_RADIUS_KM

REMOTE_MODES = frozenset({"video", "phone"})
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
SITUATION_STEPS = {"job_seeker": "unemployment", "student": "training", "apprentice": "apprenticeship"}


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
    job = jobs.job(code)
    return f"{job.label} ({code})" if job else code


def job_proximity(targets: tuple[str, ...], path: tuple[Step, ...]) -> Part:
    """Same ROME sheet > same professional domain > same grand domain > linked through NAF sectors."""
    lived = [s.rome_code for s in path if s.rome_code and s.kind in ("job", "apprenticeship", "immersion", "training")]
    best = Part(0.0)
    for target in targets:
        target_sectors = set(jobs.sectors_of(target))
        for code in lived:
            if code == target:
                candidate = Part(1.0, (f"A exercé le métier visé : {_label(code)}",))
            elif code[:3] == target[:3]:
                candidate = Part(0.7, (f"Même domaine professionnel ({code[:3]}) : {_label(code)}",))
            elif code[0] == target[0]:
                candidate = Part(0.4, (f"Même grand domaine ({code[0]}) : {_label(code)}",))
            elif target_sectors & set(jobs.sectors_of(code)):
                candidate = Part(0.25, (f"Même secteur d'activité que le métier visé : {_label(code)}",))
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


def path_similarity(beneficiary: BeneficiaryView, path: tuple[Step, ...], today: str) -> Part:
    """The peer once stood where the beneficiary stands: same situation, a career change into the
    target, an imposed transition; recent experience counts more."""
    reasons = []
    value = 0.0
    stood = SITUATION_STEPS.get(beneficiary.situation)
    same = [s for s in path if stood and s.kind == stood]
    if same:
        value += 0.35
        reasons.append(
            {
                "unemployment": "A connu une période sans emploi",
                "training": "A été en formation",
                "apprenticeship": "A été apprenti(e)",
            }[stood or ""]
        )
    targets = set(beneficiary.target_jobs)
    arrival = next(
        (
            i
            for i, s in enumerate(path)
            if s.rome_code in targets or (s.rome_code and s.rome_code[:3] in {t[:3] for t in targets})
        ),
        None,
    )
    if arrival is not None:
        domain = (path[arrival].rome_code or "")[:3]
        before = [s for s in path[:arrival] if s.kind == "job" and s.rome_code and s.rome_code[:3] != domain]
        if before:
            value += 0.45
            reasons.append(f"S'est reconverti(e) depuis : {_label(before[-1].rome_code or '')}")
        if any(s.transition == "imposed" for s in path[: arrival + 1]):
            value += 0.1
            reasons.append("A vécu une transition subie")
        ago = _months_ago(path[arrival].start_month, today)
        recency = 1.0 if ago <= 36 else max(0.3, 1 - (ago - 36) / 120)
        value = value * (0.7 + 0.3 * recency)
        if ago <= 36:
            reasons.append("Expérience récente (moins de 3 ans)")
    return Part(min(1.0, value), tuple(reasons))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def place(beneficiary: BeneficiaryView, peer: PeerView) -> Part:
    """Within the mobility radius, decaying with distance; remote modes ignore distance."""
    remote = beneficiary.meeting_modes & peer.meeting_modes & REMOTE_MODES
    in_person = {"in_person", "company_visit"} & beneficiary.meeting_modes & peer.meeting_modes
    if in_person and peer.latitude is not None and peer.longitude is not None:
        km = distance_km(beneficiary.latitude, beneficiary.longitude, peer.latitude, peer.longitude)
        radius = max(beneficiary.mobility_km, 1)
        if km <= radius:
            return Part(math.exp(-km / radius), (f"À {km:.0f} km",))
    if remote:
        return Part(0.6, ("Rencontre possible à distance (" + ", ".join(sorted(_mode(m) for m in remote)) + ")",))
    return Part(0.0)


def _mode(mode: str) -> str:
    return {"video": "visio", "phone": "téléphone", "in_person": "en personne", "company_visit": "visite d'entreprise"}[
        mode
    ]


def fit(beneficiary: BeneficiaryView, peer: PeerView) -> Part:
    modes = beneficiary.meeting_modes & peer.meeting_modes
    spoken = beneficiary.languages & peer.languages
    value = (0.6 if modes else 0.0) + (0.4 if spoken else 0.0)
    reasons = []
    if "company_visit" in modes:
        reasons.append("Propose une visite d'entreprise")
    other = sorted(spoken - {"fr"})
    if other:
        reasons.append("Parle " + ", ".join(LANGUAGE_NAMES.get(c, c) for c in other))
    return Part(value, tuple(reasons))


def reliability(stats: Reliability) -> Part:
    """Answer rate, meetings held and usefulness with a neutral prior, so newcomers are not buried."""
    answer = (stats.answered + 2) / (stats.proposed + 3)
    held = (stats.meetings + 1) / (stats.answered + 2)
    useful = (stats.useful_sum + 3 * 2) / (5 * (stats.ratings + 2))
    value = (answer + held + useful) / 3
    reasons = ("Répond aux demandes de mise en relation",) if stats.proposed >= 3 and answer >= 0.8 else ()
    return Part(value, reasons)


@dataclass(frozen=True)
class Scored:
    peer_id: str
    total: float
    breakdown: dict[str, float]
    reasons: tuple[str, ...]


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


def eligible(
    beneficiary: BeneficiaryView, peer: PeerView, dismissed: frozenset[str] = frozenset(), taken_this_month: int = 0
) -> bool:
    """Hard rules: consent and visibility, no paused or full peer, no dismissed pair, minors with vetted peers."""
    if not beneficiary.matching_consent or peer.paused or peer.peer_id in dismissed:
        return False
    if peer.agency_id != beneficiary.agency_id and (
        peer.visibility != "region" or peer.region_code != beneficiary.region_code
    ):
        return False
    if taken_this_month >= peer.capacity_per_month:
        return False
    if beneficiary.minor and not peer.vetted:
        return False
    return bool(beneficiary.meeting_modes & peer.meeting_modes)
