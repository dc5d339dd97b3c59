"""Signed webhooks of changes to calls (docs/api.md, "Webhooks")."""
