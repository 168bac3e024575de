"""The topic catalogue: one topic per aggregate type, keyed by aggregate id, a `.dlq` beside each."""

from __future__ import annotations

from dataclasses import dataclass

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    owner: str
    aggregate_type: str
    description: str

    @property
    def dead_letter(self) -> str:
        return dead_letter_topic(self.name)


def dead_letter_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


def topic_for(owner: str, aggregate_type: str) -> str:
    return f"{owner}.{aggregate_type}"


CATALOGUE: tuple[TopicSpec, ...] = (
    TopicSpec("profiles.agency", "profiles", "agency", "agencies (tenants) of the region"),
    TopicSpec("profiles.staff", "profiles", "staff", "staff accounts and their roles"),
    TopicSpec("profiles.beneficiary", "profiles", "beneficiary", "beneficiaries and their career project"),
    TopicSpec("profiles.peer", "profiles", "peer", "peers and their lived path"),
    TopicSpec("profiles.person", "profiles", "person", "personal data rights: erasure, consent"),
    TopicSpec("matching.suggestion", "matching", "suggestion", "peers suggested to a beneficiary"),
    TopicSpec("matching.introduction", "matching", "introduction", "introductions and their feedback"),
    TopicSpec("matching.gathering", "matching", "gathering", "forums, fairs, open days: invitations, attendance"),
    TopicSpec("placements.convention", "placements", "convention", "PMSMP conventions"),
    TopicSpec("notifications.delivery", "notifications", "delivery", "notifications sent"),
)

BY_NAME: dict[str, TopicSpec] = {spec.name: spec for spec in CATALOGUE}


def all_topic_names(include_dead_letters: bool = True) -> list[str]:
    names = [spec.name for spec in CATALOGUE]
    if include_dead_letters:
        names += [spec.dead_letter for spec in CATALOGUE]
    return names
