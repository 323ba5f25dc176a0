"""The reply form on a clinician's check-in page, and a lead's reply-template form."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from parentapp.forms import Form, IdChoiceField, choices
from parentapp.i18n.languages import DEFAULT, LANGUAGES
from parentapp.replies.models import REPLY_MAX, ReplyTemplate

OWN_WORDS = 0
TOO_LONG = _l("Keep the message to %(max)d characters or fewer.", max=REPLY_MAX)


class ReplyForm(Form):
    template_id = IdChoiceField(
        _l("Reply"),
        message=_l("Choose one of your team's replies."),
        description=_l(
            "The carer sees a chosen reply in their own language when your team has written it."
        ),
    )
    text = TextAreaField(
        _l("Or write your own (at most %(max)d characters)", max=REPLY_MAX),
        validators=[Length(max=REPLY_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": REPLY_MAX},
    )


def reply_form(templates: list[ReplyTemplate], **kwargs: object) -> ReplyForm:
    """The reply form offering the team's templates (and "my own words" first)."""
    form = ReplyForm(**kwargs)
    form.template_id.choices = choices(
        [(OWN_WORDS, _l("My own words (below)")), *((t.id, t.text) for t in templates)]
    )
    if form.template_id.data is None:
        form.template_id.data = OWN_WORDS
    return form


# The languages a template may be translated into (English is the template's own text).
TRANSLATED = tuple(language for language in LANGUAGES if language.code != DEFAULT.code)


class TemplateForm(Form):
    text = TextAreaField(
        _l("Reply in English"),
        validators=[
            InputRequired(_l("Write the reply in English.")),
            Length(
                max=REPLY_MAX,
                message=_l("Keep the reply to %(max)d characters or fewer.", max=REPLY_MAX),
            ),
        ],
        render_kw={"rows": 3, "maxlength": REPLY_MAX},
    )

    def translations(self) -> dict[str, str | None]:
        """language code -> the text typed for it (empty for none)."""
        return {lang.code: self[f"text_{lang.code}"].data for lang in TRANSLATED}


for _language in TRANSLATED:
    setattr(
        TemplateForm,
        f"text_{_language.code}",
        TextAreaField(
            _language.native_name,
            description=_l("Optional: carers who use the app in this language see this instead."),
            validators=[
                Length(
                    max=REPLY_MAX,
                    message=_l("Keep the reply to %(max)d characters or fewer.", max=REPLY_MAX),
                )
            ],
            render_kw={
                "rows": 2,
                "maxlength": REPLY_MAX,
                "lang": _language.code,
                "dir": _language.direction,
            },
        ),
    )
