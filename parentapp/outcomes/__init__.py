"""Outcome reports for service evaluation: change in scores, engagement, flags and response
times of a team's carers over a period, by carer role and by language."""
