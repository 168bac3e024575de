"""After the flow: every accepted write has each of its effects exactly once, read from each service's own
store (read-only) and from the caught e-mails; nothing a refusal answered left a trace. Each finding names
the write and the effect, so a lost or duplicated effect can be traced."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient

from bench.reliability.ledger import Ledger
from bench.reliability.mail import Mailbox
from bench.reliability.platform import Platform

PAST_SENT = {"sent_to_employer", "confirmed_by_employer", "partially_signed", "signed"}
PAST_CONFIRMED = {"confirmed_by_employer", "partially_signed", "signed"}


@dataclass
class Findings:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    traces_of_refused: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)  # effects checked, by kind

    def expect(self, kind: str, what: str, found: int, wanted: int = 1) -> None:
        self.checked[kind] += 1
        if found < wanted:
            self.lost.append(f"{kind}: {what} ({found} of {wanted})")
        elif found > wanted:
            self.duplicated.append(f"{kind}: {what} ({found}, {wanted} expected)")


class Stores:
    def __init__(self, mongo: AsyncMongoClient[dict[str, Any]], platform: Platform) -> None:
        self.mongo, self.platform = mongo, platform

    async def all(self, service: str, collection: str, query: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self.mongo[self.platform.database_of(service)][collection].find(query or {}).to_list()

    async def by_id(self, service: str, collection: str) -> dict[str, dict[str, Any]]:
        return {d["_id"]: d for d in await self.all(service, collection)}


async def check(stores: Stores, ledger: Ledger, mailbox: Mailbox, staff_ids: dict[str, str]) -> Findings:
    """`staff_ids`: each agency's validator staff id, who must hear once of each signed convention."""
    findings = Findings()
    await _beneficiaries(stores, ledger, findings)
    await _peers(stores, ledger, findings)
    inbox = await stores.all("notifications", "staff_inbox")
    await _introductions(stores, ledger, mailbox, inbox, findings)
    await _conventions(stores, ledger, mailbox, inbox, staff_ids, findings)
    await _suggestions(stores, ledger, inbox, findings)
    return findings


def _count_by(documents: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in documents:
        grouped[str(d.get(key))].append(d)
    return grouped


async def _beneficiaries(stores: Stores, ledger: Ledger, findings: Findings) -> None:
    in_profiles = _count_by(await stores.all("profiles", "beneficiaries"), "last_name")
    projections = {
        ("matching", "beneficiary_projects"): await stores.by_id("matching", "beneficiary_projects"),
        ("placements", "beneficiaries"): await stores.by_id("placements", "beneficiaries"),
        ("console", "funnel_beneficiaries"): await stores.by_id("console", "funnel_beneficiaries"),
    }
    for b in ledger.beneficiaries.values():
        documents = in_profiles.get(b.marker, [])
        findings.expect("beneficiary in profiles", b.beneficiary_id, len(documents))
        if not documents:
            continue
        owner = documents[0]
        findings.expect("beneficiary change in profiles", b.beneficiary_id, int(owner["mobility_km"] == b.mobility_km))
        for (service, _), projection in projections.items():
            seen = projection.get(b.beneficiary_id)
            current = seen is not None and seen.get("version") == owner["version"]
            findings.expect(f"beneficiary's last version in {service}", b.beneficiary_id, int(current))
    for name in ledger.refused_beneficiaries:
        if name in in_profiles:
            findings.traces_of_refused.append(f"refused beneficiary {name} is in profiles")


async def _peers(stores: Stores, ledger: Ledger, findings: Findings) -> None:
    peers = await stores.all("profiles", "peers")
    in_profiles = _count_by([{**p, "last_name": p.get("identity", {}).get("last_name")} for p in peers], "last_name")
    cards = await stores.by_id("matching", "peer_cards")
    contacts = await stores.by_id("notifications", "peer_contacts")
    for p in ledger.peers.values():
        documents = in_profiles.get(p.marker, [])
        findings.expect("peer in profiles", p.peer_id, len(documents))
        if documents:
            card = cards.get(p.peer_id)
            findings.expect(
                "peer's card in matching",
                p.peer_id,
                int(card is not None and card.get("version") == documents[0]["version"]),
            )
        findings.expect("peer's contact in notifications", p.peer_id, int(p.peer_id in contacts))


def _entries(inbox: list[dict[str, Any]], kind: str) -> Counter[tuple[str, str]]:
    """(subject, staff) -> how many entries of this kind."""
    return Counter((e["subject_id"], e["staff_id"]) for e in inbox if e.get("kind") == kind)


async def _introductions(
    stores: Stores, ledger: Ledger, mailbox: Mailbox, inbox: list[dict[str, Any]], findings: Findings
) -> None:
    ours = set(ledger.beneficiaries)
    stored = [i for i in await stores.all("matching", "introductions") if i["beneficiary_id"] in ours]
    by_pair = _count_by([{**i, "pair": (i["beneficiary_id"], i["peer_id"])} for i in stored], "pair")
    by_id = {i["_id"]: i for i in stored}
    answered: Counter[str] = Counter()
    for (subject, _), n in _entries(inbox, "introduction_answered").items():
        answered[subject] += n
    for i in ledger.introductions.values():
        pair = str((i.beneficiary_id, i.peer_id))
        findings.expect("introduction in matching", i.introduction_id, len(by_pair.get(pair, [])))
        status = by_id.get(i.introduction_id, {}).get("status")
        findings.expect("introduction's answer in matching", i.introduction_id, int(status == (i.answer or "proposed")))
        findings.expect("e-mail to the peer", i.introduction_id, mailbox.introduction_messages[i.introduction_id])
        if i.answer:
            findings.expect("counsellor told of the answer", i.introduction_id, answered[i.introduction_id])
    accepted = {(i.beneficiary_id, i.peer_id) for i in ledger.introductions.values()}
    for refused in ledger.refused_pairs:
        if refused not in accepted and str(refused) in by_pair:
            findings.traces_of_refused.append(f"refused introduction {refused} is in matching")


async def _conventions(
    stores: Stores,
    ledger: Ledger,
    mailbox: Mailbox,
    inbox: list[dict[str, Any]],
    validators: dict[str, str],
    findings: Findings,
) -> None:
    stored = await stores.all("placements", "conventions")
    by_name = _count_by([{**c, "name": c["terms"]["beneficiary"]["last_name"]} for c in stored], "name")
    confirmed = _entries(inbox, "convention_confirmed")
    to_validate = _entries(inbox, "convention_to_validate")
    for c in ledger.conventions.values():
        documents = by_name.get(c.marker, [])
        findings.expect("convention in placements", c.convention_id, len(documents))
        status = documents[0]["status"] if documents else None
        findings.expect("convention's last step in placements", c.convention_id, int(status == c.status))
        employer_links = (c.status in PAST_SENT) + (c.status in PAST_CONFIRMED)
        if employer_links:
            found = mailbox.convention_messages[(c.convention_id, "employer")]
            findings.expect("e-mails to the employer", c.convention_id, found, employer_links)
        if c.status in PAST_CONFIRMED:
            found = mailbox.convention_messages[(c.convention_id, "beneficiary")]
            findings.expect("e-mail to the beneficiary", c.convention_id, found)
            counsellor = documents[0]["counsellor_id"] if documents else ""
            findings.expect(
                "counsellor told of the confirmation", c.convention_id, confirmed[(c.convention_id, counsellor)]
            )
        if c.status == "signed" and documents:
            validator = validators[documents[0]["agency_id"]]
            findings.expect("validator told to validate", c.convention_id, to_validate[(c.convention_id, validator)])
    for name in ledger.refused_conventions:
        if name in by_name:
            findings.traces_of_refused.append(f"refused convention {name} is in placements")


async def _suggestions(stores: Stores, ledger: Ledger, inbox: list[dict[str, Any]], findings: Findings) -> None:
    """A list never holds a peer twice; a beneficiary with suggestions had their counsellor told (the offers
    are the matching service's to choose, so only their presence and their uniqueness are checkable)."""
    lists = await stores.by_id("matching", "suggestion_lists")
    told = {subject for subject, _ in _entries(inbox, "suggestion")}
    keys = Counter(e.get("key") for e in inbox if e.get("kind") == "suggestion")
    for b in ledger.beneficiaries.values():
        peers = list(lists.get(b.beneficiary_id, {}).get("peers", []))
        ids = [p if isinstance(p, str) else p.get("peer_id") for p in peers]
        if len(ids) != len(set(ids)):
            findings.duplicated.append(f"suggestion list: {b.beneficiary_id} holds a peer twice")
        if ids:
            findings.expect("counsellor told of suggestions", b.beneficiary_id, int(b.beneficiary_id in told))
    for key, n in keys.items():
        if n > 1:
            findings.duplicated.append(f"suggestion inbox entry {key} x{n}")
