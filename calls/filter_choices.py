"""The choices of the calls' filter lists (funds, programmes, who can apply, themes, types
of action), kept a minute in each process.

Every list of calls shows these lists, and reading them cost a tenth of the page: five
queries and a model instance per option. They change when staff edit the reference data,
rarely; a change made in this process is seen at once (the signals below), one made in
another process within `KEPT_SECONDS`, as soon as a shared cache in front of the pages
would show it anyway (`Cache-Control: max-age=60`, portal/http_cache.py).
"""

from collections.abc import Callable

import django_filters
from django.core.cache import caches
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from programmes.models import Programme

KEPT_SECONDS = 60
ACTION_CODES = "action-codes"
PROGRAMME_FUNDS = "programme-funds"


def _cache():
    return caches["choices"]


def kept(key: str, read: Callable[[], list]) -> list:
    """The list `read()` returns, read at most once every KEPT_SECONDS under `key`."""
    choices = _cache().get(key)
    if choices is None:
        choices = read()
        _cache().set(key, choices, KEPT_SECONDS)
    return choices


def programme_funds(programmes: set[int]) -> dict[int, str]:
    """The code of the fund of each programme, read again when one of `programmes` is not
    among those kept (added by another process meanwhile)."""

    def read() -> dict[int, str]:
        return dict(Programme.objects.values_list("pk", "fund__code"))

    funds = kept(PROGRAMME_FUNDS, read)
    if not programmes <= funds.keys():
        funds = read()
        _cache().set(PROGRAMME_FUNDS, funds, KEPT_SECONDS)
    return funds


def model_key(model: type[Model]) -> str:
    return f"model:{model._meta.label}"


class KeptModelChoices(django_filters.fields.ModelChoiceIterator):
    """The options of a ModelChoiceField from `kept`: (value of its `to_field_name`,
    label) pairs, after the empty label. Choosing a value still reads the row (the
    field's `to_python`), so a row deleted meanwhile is an invalid choice, not an error."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from kept(model_key(self.queryset.model), self._read)

    def __len__(self):
        return len(list(iter(self)))

    def _read(self) -> list[tuple[str, str]]:
        return [
            (str(self.field.prepare_value(row)), self.field.label_from_instance(row))
            for row in self.queryset
        ]


class KeptModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = KeptModelChoices


class KeptModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = KeptModelChoiceField


def forget(*models: type[Model]) -> None:
    """Forget the kept choices of `models`, and the funds of the programmes, when one of
    their rows changes here."""

    def forget_model(sender, **kwargs):
        _cache().delete_many([model_key(sender), PROGRAMME_FUNDS])

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(forget_model, sender=model, weak=False, dispatch_uid=model_key(model))


def forget_action_codes(sender, **kwargs) -> None:
    _cache().delete(ACTION_CODES)
