"""The definition format for an instrument version, validated when it is loaded.

One JSON file per instrument version. The shape follows FHIR R4 Questionnaire so an export is a
straight translation: ``link_id`` is linkId, an answer option's ``weight`` is its ordinalValue,
``enable_when`` is enableWhen. Pure data: no Flask, no database.
"""

import enum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parentapp.families.models import CarerRole


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LicenceStatus(enum.StrEnum):
    PUBLIC_DOMAIN = "public_domain"
    FREE_WITH_CITATION = "free_with_citation"
    PERMISSION_REQUIRED = "permission_required"
    OWN = "own"  # written by this project


class Licence(Strict):
    status: LicenceStatus
    # The licence or permission in the holder's words (or where the service's permission is filed).
    statement: str
    url: str | None = None


class LanguageStatus(Strict):
    """Whether the text in one language is a validated translation, and whose."""

    validated: bool
    source: str | None = None


class AnswerOption(Strict):
    code: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=1)
    weight: int


class EnableWhen(Strict):
    """Show an item only when another item's answer meets a condition (FHIR enableWhen)."""

    question: str
    operator: Literal["=", "!=", ">", ">=", "<", "<="]
    # Compared with the other item's answer weight (choice) or "true"/"false" (boolean).
    answer: int | str


class ItemType(enum.StrEnum):
    CHOICE = "choice"
    BOOLEAN = "boolean"
    TEXT = "text"
    DISPLAY = "display"


class Item(Strict):
    link_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    text: str = Field(min_length=1)
    type: ItemType
    # Choice items name one of the definition's answer sets.
    answer_set: str | None = None
    required: bool = True
    enable_when: tuple[EnableWhen, ...] = ()
    # Safety meaning of an item, used by the flag rules: "self_harm", "harm_to_baby",
    # "contact_request", "note". Rules never match on wording, only on these tags.
    tags: tuple[str, ...] = ()
    # Asked about one particular baby (bonding): the check-in records which.
    about_infant: bool = False
    max_length: int | None = None

    @model_validator(mode="after")
    def _answer_set_matches_type(self) -> Self:
        if self.type == ItemType.CHOICE and not self.answer_set:
            raise ValueError("a choice item needs an answer_set")
        if self.type != ItemType.CHOICE and self.answer_set:
            raise ValueError("only choice items have an answer_set")
        return self


class MissingRule(Strict):
    """What a scale does with unanswered items.

    ``max_missing`` items may be missing; the total is then prorated (mean of answered items
    times the number of items, rounded half up) when ``prorate`` is true, otherwise summed.
    More missing than that: the scale has no score.
    """

    max_missing: int = 0
    prorate: bool = False


class Band(Strict):
    min: int
    label: str


class Cutoff(Strict):
    """A published screening threshold: a score at or above ``value`` is a positive screen."""

    value: int
    source: str
    # Carer roles with a different, cited threshold (e.g. lower for fathers on some scales).
    by_role: dict[CarerRole, int] = Field(default_factory=dict)
    by_role_source: str | None = None


class Scale(Strict):
    id: str
    title: str
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    missing: MissingRule = MissingRule()
    bands: tuple[Band, ...] = ()
    cutoff: Cutoff | None = None
    # Rise from the carer's own baseline that counts as reliable deterioration, with source.
    reliable_change: int | None = None
    reliable_change_source: str | None = None
    # Flag category when the cutoff or reliable change is met ("mood", "anxiety", ...).
    category: str | None = None

    @model_validator(mode="after")
    def _reverse_subset(self) -> Self:
        unknown = set(self.reverse) - set(self.items)
        if unknown:
            raise ValueError(f"reverse items not in the scale: {sorted(unknown)}")
        return self


class Definition(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]{1,64}$")
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$")
    title: str
    short_title: str
    # Shown above the items, e.g. "Over the last 2 weeks, how often ...".
    recall_period: str
    introduction: str | None = None
    licence: Licence
    source: str
    attribution: str | None = None
    # Carer roles the instrument is validated for; empty means any carer.
    validated_roles: tuple[CarerRole, ...] = ()
    languages: dict[str, LanguageStatus]
    # Text shipped in the definition. False for a structure-only template of a licensed scale.
    text_included: bool = True
    answer_sets: dict[str, tuple[AnswerOption, ...]] = Field(default_factory=dict)
    items: tuple[Item, ...]
    scales: tuple[Scale, ...] = ()

    @field_validator("answer_sets")
    @classmethod
    def _codes_unique(
        cls, value: dict[str, tuple[AnswerOption, ...]]
    ) -> dict[str, tuple[AnswerOption, ...]]:
        for name, options in value.items():
            codes = [o.code for o in options]
            if len(set(codes)) != len(codes):
                raise ValueError(f"answer set {name!r} repeats a code")
            weights = [o.weight for o in options]
            if weights != sorted(weights):
                # Order is meaning: lowest to highest, so right-to-left layouts cannot scramble it.
                raise ValueError(
                    f"answer set {name!r} must list options from lowest to highest weight"
                )
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        ids = [item.link_id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("items repeat a link_id")
        known = set(ids)
        for item in self.items:
            if item.answer_set and item.answer_set not in self.answer_sets:
                raise ValueError(
                    f"item {item.link_id!r} names unknown answer_set {item.answer_set!r}"
                )
            for condition in item.enable_when:
                if condition.question not in known:
                    raise ValueError(
                        f"item {item.link_id!r} depends on unknown item {condition.question!r}"
                    )
        by_id = {item.link_id: item for item in self.items}
        for scale in self.scales:
            for link_id in scale.items:
                if link_id not in by_id or by_id[link_id].type != ItemType.CHOICE:
                    raise ValueError(
                        f"scale {scale.id!r} names {link_id!r}, which is not a choice item"
                    )
        if "en" not in self.languages:
            raise ValueError("languages must include 'en', the source language")
        return self

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    def item(self, link_id: str) -> Item:
        return next(i for i in self.items if i.link_id == link_id)

    def options(self, item: Item) -> tuple[AnswerOption, ...]:
        return self.answer_sets[item.answer_set] if item.answer_set else ()

    def tagged(self, tag: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if tag in i.tags)
