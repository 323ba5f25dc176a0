"""The shipped definitions: they load, they carry the exact published wording, and their
safety items are tagged. The expected text is written out here independently of the files, so a
copying slip in either place fails."""

import json
import re

import pytest

from parentapp.instruments.registry import DEFINITIONS_DIR, builtin_registry
from parentapp.instruments.schema import Definition, ItemType, LicenceStatus, Tag

REGISTRY = builtin_registry()

PHQ9_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
PHQ9_ITEMS = [
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself \N{EM DASH} or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite \N{EM DASH} being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
]
GAD7_ITEMS = [
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
]
FREQUENCY = [
    ("Not at all", 0),
    ("Several days", 1),
    ("More than half the days", 2),
    ("Nearly every day", 3),
]
PFIZER = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, translate, "
    "display or distribute."
)


def texts(defn: Definition, item_type: ItemType = ItemType.CHOICE) -> list[str]:
    return [i.text for i in defn.items if i.type == item_type and i.link_id != "difficulty"]


def options(defn: Definition, link_id: str) -> list[tuple[str, int]]:
    return [(o.text, o.weight) for o in defn.options(defn.item(link_id))]


def test_every_file_loads_and_is_named_for_its_version() -> None:
    files = sorted(p.name for p in DEFINITIONS_DIR.glob("*.json"))
    assert files == [
        "gad2-1.0.json",
        "gad7-1.0.json",
        "gad7-1.1.json",
        "phq2-1.0.json",
        "phq9-1.0.json",
        "weekly-1.0.json",
    ]
    for name in files:
        data = json.loads((DEFINITIONS_DIR / name).read_text(encoding="utf-8"))
        loaded = Definition.model_validate(data)
        assert f"{loaded.id}-{loaded.version}.json" == name
        assert REGISTRY.get(loaded.id, loaded.version) == loaded


@pytest.mark.parametrize(
    ("instrument_id", "stem", "items"),
    [
        ("phq9", PHQ9_STEM, PHQ9_ITEMS),
        ("phq2", PHQ9_STEM, PHQ9_ITEMS[:2]),
        ("gad7", GAD7_STEM, GAD7_ITEMS),
        ("gad2", GAD7_STEM, GAD7_ITEMS[:2]),
    ],
)
def test_published_wording_is_exact(instrument_id: str, stem: str, items: list[str]) -> None:
    defn = REGISTRY.get(instrument_id)
    assert defn.recall_period == stem
    assert texts(defn) == items
    for item in defn.items:
        if item.link_id != "difficulty":
            assert options(defn, item.link_id) == FREQUENCY
    assert defn.attribution == PFIZER
    assert defn.licence.status == LicenceStatus.PUBLIC_DOMAIN
    assert defn.validated_roles == ()
    assert defn.languages["en"].validated is True
    assert defn.text_included is True


def test_gad7_zero_answer_is_not_at_all_not_the_common_misprint() -> None:
    # Many copies print "Not at all sure" (Zorowitz et al. 2021); the GAD-7 says "Not at all".
    for instrument_id in ("gad7", "gad2"):
        defn = REGISTRY.get(instrument_id)
        for item in defn.items:
            if item.link_id == "difficulty":
                continue
            zero = defn.options(item)[0]
            assert (zero.text, zero.weight) == ("Not at all", 0)
            assert all("sure" not in o.text.lower() for o in defn.options(item))


DIFFICULTY_ANSWERS = [
    ("Not difficult at all", 0),
    ("Somewhat difficult", 1),
    ("Very difficult", 2),
    ("Extremely difficult", 3),
]


@pytest.mark.parametrize(
    ("instrument_id", "wording"),
    [
        # The two Pfizer forms differ by one word: the PHQ-9 says "these problems", the GAD-7
        # "these".
        (
            "phq9",
            "If you checked off any problems, how difficult have these problems made it for you "
            "to do your work, take care of things at home, or get along with other people?",
        ),
        (
            "gad7",
            "If you checked off any problems, how difficult have these made it for you to do "
            "your work, take care of things at home, or get along with other people?",
        ),
    ],
)
def test_difficulty_item_is_published_optional_and_unscored(
    instrument_id: str, wording: str
) -> None:
    defn = REGISTRY.get(instrument_id)
    item = defn.item("difficulty")
    assert defn.items[-1] == item
    assert item.text == wording
    assert item.required is False
    assert item.tags == ()
    assert options(defn, "difficulty") == DIFFICULTY_ANSWERS
    assert all("difficulty" not in scale.items for scale in defn.scales)


def test_gad7_difficulty_restored_in_a_new_version_leaving_the_old_one_as_it_was() -> None:
    # Each stored check-in names the version it was answered on, so 1.0 must stay unchanged.
    assert [d.version for d in REGISTRY.versions("gad7")] == ["1.0", "1.1"]
    old, new = REGISTRY.versions("gad7")
    assert [i.link_id for i in old.items] == [f"q{n}" for n in range(1, 8)]
    assert [i.link_id for i in new.items] == [*(f"q{n}" for n in range(1, 8)), "difficulty"]
    assert old.scales == new.scales
    assert REGISTRY.get("gad7") == new


def test_gad7_difficulty_answer_leaves_the_total_alone() -> None:
    from parentapp.instruments.scoring import score

    defn = REGISTRY.get("gad7")
    answers = {f"q{n}": "1" for n in range(1, 8)}
    without = score(defn, answers)
    with_difficulty = score(defn, {**answers, "difficulty": "3"})
    assert without == with_difficulty
    assert with_difficulty["total"].value == 7


@pytest.mark.parametrize(
    ("instrument_id", "cutoff", "reliable_change", "category", "bands"),
    [
        ("phq9", 10, 5, "mood", [0, 5, 10, 15, 20]),
        ("phq2", 3, None, "mood", []),
        ("gad7", 10, 4, "anxiety", [0, 5, 10, 15]),
        ("gad2", 3, None, "anxiety", []),
    ],
)
def test_published_scoring_rules(
    instrument_id: str,
    cutoff: int,
    reliable_change: int | None,
    category: str,
    bands: list[int],
) -> None:
    (scale,) = REGISTRY.get(instrument_id).scales
    assert scale.cutoff is not None
    assert scale.cutoff.value == cutoff
    assert scale.cutoff.by_role == {}
    assert scale.reliable_change == reliable_change
    assert scale.category == category
    assert [b.min for b in scale.bands] == bands
    assert scale.missing.max_missing == 0
    assert scale.reverse == ()


def test_phq9_item_9_is_the_only_self_harm_item() -> None:
    defn = REGISTRY.get("phq9")
    assert [i.link_id for i in defn.tagged(Tag.SELF_HARM)] == ["q9"]
    for instrument_id in ("phq2", "gad7", "gad2"):
        assert REGISTRY.get(instrument_id).tagged(Tag.SELF_HARM) == ()


def test_weekly_checkin_shape() -> None:
    defn = REGISTRY.get("weekly")
    assert defn.licence.status == LicenceStatus.OWN
    assert defn.recall_period == "Thinking about the past week:"
    (self_harm,) = defn.tagged(Tag.SELF_HARM)
    (harm_to_baby,) = defn.tagged(Tag.HARM_TO_BABY)
    (contact,) = defn.tagged(Tag.CONTACT_REQUEST)
    (note,) = defn.tagged(Tag.NOTE)
    for item in (self_harm, harm_to_baby):
        assert item.required is True
        assert options(defn, item.link_id) == [
            ("No", 0),
            ("Sometimes", 1),
            ("Often", 2),
            ("Most of the time", 3),
        ]
    assert harm_to_baby.about_infant is True
    assert defn.item("closeness").about_infant is True
    assert (contact.type, contact.required) == (ItemType.BOOLEAN, False)
    assert (note.type, note.required, note.max_length) == (ItemType.TEXT, False, 1000)
    (scale,) = defn.scales
    assert len(scale.items) == 8
    assert set(scale.reverse) == {"support", "closeness"}
    assert scale.cutoff is None
    assert scale.reliable_change is None
    assert scale.bands_validated is False
    assert defn.validated_roles == ()
    # Plain words for any carer: no gendered parent words.
    wording = " ".join(i.text for i in defn.items).lower()
    assert re.findall(r"\b(mother|father|mum|dad|she|he|her|his)\b", wording) == []


def test_registry_latest_and_versions() -> None:
    assert [d.id for d in REGISTRY.latest()] == ["gad2", "gad7", "phq2", "phq9", "weekly"]
    assert [d.version for d in REGISTRY.versions("phq9")] == ["1.0"]
    assert REGISTRY.versions("epds") == ()
    with pytest.raises(KeyError):
        REGISTRY.get("epds")
    with pytest.raises(KeyError):
        REGISTRY.get("phq9", "9.9")
