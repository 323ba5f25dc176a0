"""What scoring returns: plain values, stored as JSON on each check-in."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ScaleScore:
    """One scale's score for one set of answers.

    ``value`` is None when more items are missing than the scale's missing-answer rule allows.
    ``positive`` is whether the value is at or above the cut-off that applies to the carer's
    role (None when the scale has no cut-off or no value).
    """

    scale_id: str
    value: int | None
    answered: int
    missing: int
    prorated: bool
    band: str | None
    cutoff: int | None
    positive: bool | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ScaleScore":
        return cls(**data)
