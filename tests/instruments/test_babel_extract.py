"""Every person-readable text of the shipped definitions reaches the message catalogs."""

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from parentapp.instruments.babel_extract import definition_texts, extract_definition
from parentapp.instruments.registry import DEFINITIONS_DIR, builtin_registry, read_definition_file

ROOT = Path(__file__).parents[2]
FILES = sorted(DEFINITIONS_DIR.glob("*.json"))


def extracted(path: Path) -> list[tuple[int, str | None, str, list[str]]]:
    with path.open("rb") as handle:
        return list(extract_definition(handle, ["_"], [], {}))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_text_is_extracted_with_a_translator_note(path: Path) -> None:
    defn = read_definition_file(path)
    messages = extracted(path)
    expected = {defn.title, defn.short_title, defn.recall_period}
    expected |= {item.text for item in defn.items}
    expected |= {o.text for options in defn.answer_sets.values() for o in options}
    expected |= {band.label for scale in defn.scales for band in scale.bands}
    assert {message for _, _, message, _ in messages} >= expected
    assert len(messages) == len(list(definition_texts(defn)))
    lines = path.read_text(encoding="utf-8").splitlines()
    for lineno, funcname, message, comments in messages:
        assert funcname is None
        assert comments and comments[0].startswith(f"{defn.short_title} {defn.version}, ")
        # Points at the line holding the text (a translator can find it in the file).
        assert message.split("\N{EM DASH}")[0] in lines[lineno - 1]


def test_specific_texts_are_extracted() -> None:
    phq9 = {m for _, _, m, _ in extracted(DEFINITIONS_DIR / "phq9-1.0.json")}
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in phq9
    assert "Extremely difficult" in phq9
    assert "Moderately severe" in phq9
    weekly = {m for _, _, m, _ in extracted(DEFINITIONS_DIR / "weekly-1.0.json")}
    assert "Thinking about the past week:" in weekly
    assert builtin_registry().get("weekly").introduction in weekly
    assert "Would you like your clinician to contact you?" in weekly


def test_published_wording_carries_the_validated_translation_note() -> None:
    (_, _, _, comments), *_ = extracted(DEFINITIONS_DIR / "gad7-1.0.json")
    assert "validated translation" in comments[0]
    (_, _, _, own), *_ = extracted(DEFINITIONS_DIR / "weekly-1.0.json")
    assert "Our own wording" in own[0]


def test_babel_cfg_routes_definition_files_to_the_extractor() -> None:
    cfg = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    method_map, options_map = parse_mapping_cfg(io.StringIO(cfg))
    instrument_map = [(p, m) for p, m in method_map if p.endswith(".json")]
    assert instrument_map == [
        (
            "parentapp/instruments/definitions/*.json",
            "parentapp.instruments.babel_extract:extract_definition",
        )
    ]
    found = {
        (filename, message)
        for filename, _, message, _, _ in extract_from_dir(
            str(ROOT), instrument_map, options_map, keywords={}
        )
    }
    names = {Path(filename).name for filename, _ in found}
    assert names == {p.name for p in FILES}
    assert ("parentapp/instruments/definitions/gad7-1.0.json", "Trouble relaxing") in found
