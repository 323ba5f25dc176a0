"""The sharing blueprint, shared by its view modules (the carer's, the clinician's, and the
recipient's page)."""

from collections.abc import Mapping

from flask import Blueprint

bp = Blueprint("sharing", __name__, template_folder="templates")


def with_views() -> Blueprint:
    """The blueprint with its routes attached."""
    from parentapp.sharing import (  # noqa: F401 - attach routes
        carer_views,
        open_views,
        staff_views,
    )

    return bp


@bp.app_template_global()
def share_label(kind: str, value: str | None) -> str:
    """How a share's recipient role, state or way of agreeing reads, translated."""
    from parentapp.sharing.vocab import AGREED_LABELS, ROLE_LABELS, STATUS_LABELS

    tables: dict[str, Mapping[str, object]] = {
        "role": ROLE_LABELS,
        "status": STATUS_LABELS,
        "agreed": AGREED_LABELS,
    }
    label = tables[kind].get(value or "")
    return str(label) if label is not None else (value or "")
