"""Daily bulk extracts of public calls and initiatives (docs/api.md, "Bulk extracts")."""
