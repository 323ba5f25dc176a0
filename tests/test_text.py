"""Control characters leave free text; what people meant to write stays."""

import pytest

from parentapp.text import clean_field, without_controls


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("a\x00b", "ab"),
        ("\x01\x08\x0b\x0c\x0e\x1f\x7f", ""),
        ("line\none\ttab\r\n", "line\none\ttab\r\n"),
        ("أريد أن أموت \u200f", "أريد أن أموت \u200f"),  # right-to-left mark is not a control
        ("🙂 zmęczona", "🙂 zmęczona"),
    ],
)
def test_only_control_characters_go(sent: str, kept: str) -> None:
    assert without_controls(sent) == kept


def test_the_form_filter_keeps_what_is_not_text() -> None:
    assert clean_field(None) is None
    assert clean_field(["a\x00"]) == ["a\x00"]
    assert clean_field("a\x00") == "a"
