"""What the life cycles of profiles' aggregates share: a transition table as data, read the same way by
every `decide`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from services.profiles.domain.access import Actor

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class NotYours(Exception):
    """The step exists but not for this actor: a route called `decide` in the wrong capacity (a bug)."""

    def __init__(self, action: StrEnum, actor: Actor) -> None:
        super().__init__(f"{action.value} is not for the {actor.value}")
        self.action, self.actor = action, actor


@dataclass(frozen=True)
class Rule(Generic[S]):
    """One row of a transition table: the state a step leads to and who may take it."""

    to: S
    actors: frozenset[Actor]


def rule_for(table: Mapping[tuple[S, A], Rule[S]], state: S, action: A, actor: Actor) -> Rule[S] | None:
    """The table's rule for this step from this state, None when the step is refused there; NotYours when
    the actor may not take it."""
    rule = table.get((state, action))
    if rule is not None and actor not in rule.actors:
        raise NotYours(action, actor)
    return rule
