"""The API blueprint; its views live in ``parentapp.api.views``."""

from flask import Blueprint

from parentapp import json_errors

API_PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
json_errors.register(bp)
