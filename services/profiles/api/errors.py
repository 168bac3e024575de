"""What profiles' domain refuses that the kit does not already say (`services.kit.errors` answers every
`Refusal`, `InvalidInput` and `ConcurrentUpdate` in the one shape): the table `answer_errors` registers."""

from __future__ import annotations

from services.kit.errors import Said
from services.profiles.domain.lifecycle import NotYours

# a step called in the wrong capacity: a route's bug, but said as a refusal, never a 500
REFUSALS: dict[type[Exception], Said] = {
    NotYours: Said(403, "not_allowed_for_actor", "Cette action ne vous est pas ouverte."),
}
