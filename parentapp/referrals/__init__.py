"""Referrals from professionals outside the team (a health visitor, a GP, a midwife): the
team's queue, each step with its due-by, and what the referrer and the family are told."""
