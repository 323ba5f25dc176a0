"""The two WSGI apps ``checkin_throughput.py`` serves under the same gunicorn.

- ``parentapp_app()``: parentapp itself, configured as in production (CSRF on, rate limits in
  Redis, secure session cookies), from the environment the benchmark sets.
- ``floor_app()``: the floor, a bare Flask + SQLModel endpoint that inserts one row per POST on
  an engine made by the same ``make_engine``, so the two differ only in what parentapp does.
"""

import os
from datetime import datetime

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from sqlmodel import Field, Session, SQLModel

from parentapp import create_app
from parentapp.config import Settings
from parentapp.db import make_engine, utcnow


class FloorRow(SQLModel, table=True):
    __tablename__ = "bench_floor_row"

    id: int | None = Field(default=None, primary_key=True)
    carer: str = Field(max_length=64)
    body: str
    created_at: datetime = Field(default_factory=utcnow)


def parentapp_app() -> Flask:
    settings = Settings.from_env().with_(
        # A carer posts many check-ins in a run; the hourly limit would answer most with 429.
        extra={"API_CHECKIN_RATE_LIMIT": "100000 per hour"},
    )
    return create_app(settings)


def floor_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])

    @app.post("/rows")
    def insert() -> ResponseReturnValue:
        with Session(engine) as session:
            row = FloorRow(
                carer=request.headers.get("X-Carer", ""), body=request.get_data(as_text=True)
            )
            session.add(row)
            session.commit()
            return jsonify({"id": row.id}), 201

    return app
