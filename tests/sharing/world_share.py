"""A live share of the world's owning carer, for the access matrix and the CSRF cases: made
when a route's URL is first built (the matrix has no set-up step), the same one after."""

from datetime import timedelta

from flask import current_app
from sqlmodel import Session, select

from parentapp.db import utcnow
from parentapp.sharing import codes
from parentapp.sharing.models import Share
from tests.world import World

TOKEN = "world-share-token-0123456789abcdefghijklmnop"
CODE = "ABCD-EFGH"


def world_share(world: World) -> Share:
    """The owning carer's share, with ``TOKEN`` and ``CODE``, live for a week."""
    engine = current_app.extensions["parentapp.engine"]
    hashed = codes.token_hash(TOKEN)
    with Session(engine, expire_on_commit=False) as session:
        share = session.exec(select(Share).where(Share.token_hash == hashed)).first()
        if share is None:
            carer_user = world.users["owning_carer"]
            now = utcnow()
            share = Share(
                carer_id=world.checkin.carer_id,
                family_id=world.family1.id or 0,
                created_by_id=carer_user.id or 0,
                recipient_name="Hana Visitor",
                recipient_role="health_visitor",
                recipient_email="hv@example.org",
                locale="en",
                token_hash=hashed,
                code_hash=codes.code_hash(hashed, CODE),
                instruments=["weekly"],
                trend_since=now - timedelta(weeks=12),
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
            session.add(share)
            session.commit()
        return share


def share_args(world: World) -> dict[str, object]:
    return {"share_id": world_share(world).id}


def family_share_args(world: World) -> dict[str, object]:
    return {"family_id": world.family1.id, "share_id": world_share(world).id}


def token_args(world: World) -> dict[str, object]:
    world_share(world)
    return {"token": TOKEN}
