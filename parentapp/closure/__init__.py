"""Closing a carer's account: the request, the clinician's confirmation, the restricted record
that stays, and its retention review."""
