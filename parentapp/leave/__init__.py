"""Clinician leave with a named cover: while it lasts, the clinician's families' flags and
notices go to the cover, so nothing waits for someone who is away."""
