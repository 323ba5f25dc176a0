"""Data out: a carer's own data; FHIR and CSV for the team; outcome reports."""
