"""IATI 2.03 activity files of the portal's initiatives (export.py), with the official
schema and code lists shipped beside it (README.md)."""
