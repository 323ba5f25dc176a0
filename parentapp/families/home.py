"""Sections of the carer's home page that higher domains add (a referral's steps, a message
from the team, a request to invite a co-parent): the home page itself knows none of them, and
each section decides for itself whether it has anything to show."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlmodel import Session

from parentapp.families.models import Carer


@dataclass(frozen=True)
class HomeSection:
    """A template to include on the home page, with what it shows (prepared by the section, so
    the template runs no query)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# A section is given the carer and returns what to show, or None when it has nothing.
Section = Callable[[Session, Carer], HomeSection | None]
HOME_SECTIONS = "parentapp.home_sections"


def add_home_section(app: Flask, section: Section) -> None:
    """Show ``section`` on every carer's home page, after the check-ins, in the order added."""
    sections: list[Section] = app.extensions.setdefault(HOME_SECTIONS, [])
    if section not in sections:
        sections.append(section)


def home_sections(app: Flask, session: Session, carer: Carer) -> list[HomeSection]:
    """What each added section has to show this carer now."""
    shown = (section(session, carer) for section in app.extensions.get(HOME_SECTIONS, []))
    return [item for item in shown if item is not None]
