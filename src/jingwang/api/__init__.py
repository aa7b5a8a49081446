"""The REST API (FastAPI): clues, findings, indicators, cases, gangs, units, statistics,
citizen reports, users and the audit trail, behind token or session login and role rules."""
