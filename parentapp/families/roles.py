"""Carer roles: vocabulary with no database code, for instruments and rules to use."""

import enum


class CarerRole(enum.StrEnum):
    """How a carer describes themselves; every role is a first-class user."""

    MOTHER = "mother"
    FATHER = "father"
    CO_PARENT = "co_parent"
    GRANDPARENT = "grandparent"
    FOSTER_KINSHIP = "foster_kinship"
    OTHER = "other"
