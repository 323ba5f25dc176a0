"""A Babel extraction method for definition files, so every text a carer or clinician reads
(title, stem, items, answers, band labels) goes into the message catalogs like any other string.

Registered in babel.cfg under ``[extractors]``; run by ``flask translate extract``.
"""

import json
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from parentapp.instruments.schema import Definition, LicenceStatus

Extracted = tuple[int, str | None, str, list[str]]


def definition_texts(defn: Definition) -> Iterator[tuple[str, str]]:
    """Every person-readable text of a definition, each with where it comes from."""
    yield defn.title, "title"
    yield defn.short_title, "short title"
    yield defn.recall_period, "recall period (stem)"
    if defn.introduction:
        yield defn.introduction, "introduction"
    for item in defn.items:
        yield item.text, f"item {item.link_id}"
        for option in defn.options(item):
            yield option.text, f"item {item.link_id}, answer {option.code}"
    for scale in defn.scales:
        yield scale.title, f"scale {scale.id}"
        for band in scale.bands:
            yield band.label, f"scale {scale.id}, band from {band.min}"


def _translator_note(defn: Definition) -> str:
    if defn.licence.status == LicenceStatus.OWN:
        return "Our own wording: translate plainly and kindly."
    # A published instrument's meaning rests on its validated wording.
    return (
        "Published instrument wording: use the publisher's validated translation where one "
        "exists, word for word; otherwise mark the language as not validated."
    )


def _line_of(lines: list[str], text: str) -> int:
    encoded = json.dumps(text, ensure_ascii=False)
    escaped = json.dumps(text)
    for number, line in enumerate(lines, start=1):
        if encoded in line or escaped in line:
            return number
    return 1


def extract_definition(
    fileobj: IO[bytes],
    keywords: Collection[str],  # noqa: ARG001 (Babel's extractor signature)
    comment_tags: Collection[str],  # noqa: ARG001
    options: Mapping[str, Any],  # noqa: ARG001
) -> Iterator[Extracted]:
    """Yield ``(lineno, funcname, message, comments)`` for each text in one definition file."""
    raw = fileobj.read().decode("utf-8")
    defn = Definition.model_validate(json.loads(raw))
    lines = raw.splitlines()
    note = _translator_note(defn)
    for text, where in definition_texts(defn):
        comment = f"{defn.short_title} {defn.version}, {where}. {note}"
        yield _line_of(lines, text), None, text, [comment]
