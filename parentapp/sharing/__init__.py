"""Consented, time-limited sharing of a carer's summary with a named professional outside the
team: a link emailed to them, a short code passed on separately, every opening logged."""
