from django.apps import AppConfig


class FoundationConfig(AppConfig):
    """Installed only so that Django finds its template filters (`{% load pages %}`)."""

    name = "foundation"
    verbose_name = "Foundation"
