"""The teams blueprint: a team lead's settings; its views live in ``teams.settings_views``."""

from flask import Blueprint

bp = Blueprint("teams", __name__, template_folder="templates")
