"""The definition format for an instrument version, validated when it is loaded.

One JSON file per instrument version. The shape follows FHIR R4 Questionnaire so an export is a
straight translation: ``link_id`` is linkId, an answer option's ``weight`` is its ordinalValue,
``enable_when`` is enableWhen. Pure data: no Flask, no database.
"""

import enum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from parentapp.families.roles import CarerRole


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def located(path: str, message: str) -> PydanticCustomError:
    """A cross-reference error that names the field it is about.

    Pydantic locates field errors itself, but a model validator's errors sit at the model; the
    registry appends ``path`` (from the error's context) so a malformed file's report still
    points at e.g. ``items.3.enable_when.0.question``.
    """
    return PydanticCustomError("definition", "{message}", {"path": path, "message": message})


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


class Tag(enum.StrEnum):
    """Safety meanings the flag rules match on. A closed list: a misspelt tag would silently
    switch a safety rule off, so an unknown one is refused when the definition loads."""

    SELF_HARM = "self_harm"
    HARM_TO_BABY = "harm_to_baby"
    CONTACT_REQUEST = "contact_request"
    NOTE = "note"


# The item type each tag needs, so a rule can rely on the shape of the answer it reads.
TAG_TYPES: dict[Tag, ItemType] = {
    Tag.SELF_HARM: ItemType.CHOICE,
    Tag.HARM_TO_BABY: ItemType.CHOICE,
    Tag.CONTACT_REQUEST: ItemType.BOOLEAN,
    Tag.NOTE: ItemType.TEXT,
}

# Tags whose answer is the one the urgent rules read. Such an item is always asked and always
# answered: left optional, or shown only after some other answer, it could be skipped and the
# urgent rule would then have nothing to judge (a worrying answer nobody asked for).
SAFETY_TAGS: frozenset[Tag] = frozenset({Tag.SELF_HARM, Tag.HARM_TO_BABY})


class Item(Strict):
    link_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    text: str = Field(min_length=1)
    type: ItemType
    # Choice items name one of the definition's answer sets.
    answer_set: str | None = None
    # Ignored for display items, which take no answer.
    required: bool = True
    enable_when: tuple[EnableWhen, ...] = ()
    # With several conditions: shown when all hold, or when any does (FHIR enableBehavior).
    enable_behavior: Literal["all", "any"] = "all"
    # Safety meaning of an item, used by the flag rules: "self_harm", "harm_to_baby",
    # "contact_request", "note". Rules never match on wording, only on these tags.
    # A boolean item that is not required means "false" when left unanswered.
    tags: tuple[Tag, ...] = ()
    # Asked about one particular baby (bonding): the check-in records which.
    about_infant: bool = False
    # Longest answer accepted, in characters (text items only).
    max_length: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _fields_match_type(self) -> Self:
        if self.type == ItemType.CHOICE and not self.answer_set:
            raise located("answer_set", "a choice item needs an answer_set")
        if self.type != ItemType.CHOICE and self.answer_set:
            raise located("answer_set", "only choice items have an answer_set")
        if self.max_length is not None and self.type != ItemType.TEXT:
            raise located("max_length", "only text items have a max_length")
        for index, tag in enumerate(self.tags):
            if TAG_TYPES[tag] != self.type:
                raise located(
                    f"tags.{index}", f"tag {tag.value!r} belongs on a {TAG_TYPES[tag].value} item"
                )
        safety = sorted(tag.value for tag in SAFETY_TAGS.intersection(self.tags))
        if safety and not self.required:
            raise located(
                "required",
                f"safety item {self.link_id!r} ({', '.join(safety)}) must be required",
            )
        if safety and self.enable_when:
            raise located(
                "enable_when",
                f"safety item {self.link_id!r} ({', '.join(safety)}) must always be shown, "
                "never only after another answer",
            )
        return self

    @property
    def is_safety(self) -> bool:
        """Carries a tag the urgent rules read (self-harm, harm to the baby)."""
        return bool(SAFETY_TAGS.intersection(self.tags))


class MissingRule(Strict):
    """What a scale does with unanswered items.

    ``max_missing`` items may be missing; the total is then prorated (mean of answered items
    times the number of items, rounded half up) when ``prorate`` is true, otherwise summed.
    More missing than that: the scale has no score.
    """

    max_missing: int = Field(default=0, ge=0)
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
    # Where the band labels come from; ``bands_validated`` is false for descriptions of our own
    # that no study has tested (shown as such beside the band).
    bands_source: str | None = None
    bands_validated: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.items:
            raise located("items", "a scale needs at least one item")
        if len(set(self.items)) != len(self.items):
            raise located("items", "a scale repeats an item")
        for index, link_id in enumerate(self.reverse):
            if link_id not in self.items:
                raise located(f"reverse.{index}", f"reverse item {link_id!r} is not in the scale")
        if self.missing.max_missing >= len(self.items):
            raise located("missing.max_missing", "must be fewer than the scale's items")
        mins = [band.min for band in self.bands]
        if mins != sorted(set(mins)):
            raise located("bands", "bands must be listed by rising min, each min once")
        if self.reliable_change is not None and self.reliable_change <= 0:
            raise located("reliable_change", "must be above zero")
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

    @model_validator(mode="after")
    def _answer_sets_ordered(self) -> Self:
        for name, options in self.answer_sets.items():
            if not options:
                raise located(f"answer_sets.{name}", "an answer set needs options")
            codes = [o.code for o in options]
            if len(set(codes)) != len(codes):
                raise located(f"answer_sets.{name}", "repeats a code")
            weights = [o.weight for o in options]
            if weights != sorted(weights):
                # Order is meaning: lowest to highest, so right-to-left layouts cannot scramble it.
                raise located(
                    f"answer_sets.{name}", "options must be listed from lowest to highest weight"
                )
        return self

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        if "en" not in self.languages:
            raise located("languages", "must include 'en', the source language")
        seen: set[str] = set()
        for index, item in enumerate(self.items):
            if item.link_id in seen:
                raise located(f"items.{index}.link_id", f"repeats link_id {item.link_id!r}")
            seen.add(item.link_id)
            if item.answer_set and item.answer_set not in self.answer_sets:
                raise located(
                    f"items.{index}.answer_set", f"names unknown answer set {item.answer_set!r}"
                )
        by_id = {item.link_id: item for item in self.items}
        for index, item in enumerate(self.items):
            for number, condition in enumerate(item.enable_when):
                self._check_condition(f"items.{index}.enable_when.{number}", item, condition, by_id)
        scale_ids: set[str] = set()
        reversed_items = {link_id for scale in self.scales for link_id in scale.reverse}
        for index, scale in enumerate(self.scales):
            for number, link_id in enumerate(scale.items):
                if link_id in reversed_items and link_id not in scale.reverse:
                    # An item's scored value (what safety rules compare) must not depend on
                    # which scale is asking.
                    raise located(
                        f"scales.{index}.items.{number}",
                        f"{link_id!r} is reverse-scored in another scale but not in this one",
                    )
            if scale.id in scale_ids:
                raise located(f"scales.{index}.id", f"repeats scale id {scale.id!r}")
            scale_ids.add(scale.id)
            for number, link_id in enumerate(scale.items):
                if link_id not in by_id or by_id[link_id].type != ItemType.CHOICE:
                    raise located(
                        f"scales.{index}.items.{number}", f"{link_id!r} is not a choice item"
                    )
        return self

    @staticmethod
    def _check_condition(
        path: str, item: Item, condition: EnableWhen, by_id: dict[str, Item]
    ) -> None:
        other = by_id.get(condition.question)
        if other is None or other.link_id == item.link_id:
            raise located(f"{path}.question", f"depends on unknown item {condition.question!r}")
        if list(by_id).index(other.link_id) > list(by_id).index(item.link_id):
            # Answers are judged in order, so an item may only depend on one asked before it.
            raise located(f"{path}.question", f"depends on later item {other.link_id!r}")
        if other.type == ItemType.CHOICE and not isinstance(condition.answer, int):
            raise located(f"{path}.answer", "compare a choice item with an answer weight")
        if other.type == ItemType.BOOLEAN and condition.answer not in ("true", "false"):
            raise located(f"{path}.answer", 'compare a boolean item with "true" or "false"')
        if other.type == ItemType.BOOLEAN and condition.operator not in ("=", "!="):
            raise located(f"{path}.operator", "a boolean item is compared with = or !=")
        if other.type in (ItemType.TEXT, ItemType.DISPLAY):
            raise located(f"{path}.question", "only choice and boolean items can be depended on")

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.version)

    def item(self, link_id: str) -> Item:
        """:raises KeyError: no item has this link_id."""
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def options(self, item: Item) -> tuple[AnswerOption, ...]:
        return self.answer_sets[item.answer_set] if item.answer_set else ()

    def tagged(self, tag: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if tag in i.tags)

    @property
    def asks_about_self_harm(self) -> bool:
        """Has an item the self-harm rule reads: every carer who is asked anything is asked this."""
        return bool(self.tagged(Tag.SELF_HARM))
