"""WTForms' own messages, marked so that extraction copies them into our catalogs.

WTForms raises these itself (a field that cannot read its input, a validator built without a
message, a form's CSRF check); ``parentapp.forms.CatalogTranslations`` looks them up in our
catalogs, so a carer reading Urdu never meets an English "Not a valid integer value.".
The strings must stay exactly as WTForms writes them: they are the lookup keys.
"""

from parentapp.i18n import N_, N_plural

MESSAGES = (
    # Fields that could not read what was sent (wtforms.fields).
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid datetime value."),
    N_("Not a valid week value."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    # Validators used without a message of our own (wtforms.validators).
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Field must be equal to %(other_name)s."),
    # A form's own CSRF field (wtforms.csrf), should the app-wide check ever be bypassed.
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
)

PLURAL_MESSAGES = (
    N_plural(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    N_plural(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    N_plural(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    N_plural(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
)
