"""A team with a clinician, a family and a carer; a second team's carer for contrast."""

from dataclasses import dataclass

import pytest

from parentapp.accounts.models import Role, User
from parentapp.teams.models import Team
from tests.factories import Factory


@dataclass(frozen=True)
class Homes:
    team: Team
    carer: User
    clinician: User
    lead: User
    other_carer: User


@pytest.fixture
def homes(make: Factory) -> Homes:
    team = make.team("Riverside")
    clinician = make.user(Role.CLINICIAN, team)
    lead = make.user(Role.LEAD, team)
    carer = make.carer(make.family(team, clinician))
    other_team = make.team("Hillside")
    other_clinician = make.user(Role.CLINICIAN, other_team)
    other_carer = make.carer(make.family(other_team, other_clinician))
    return Homes(team, carer, clinician, lead, other_carer)
