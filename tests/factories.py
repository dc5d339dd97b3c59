"""factory-boy factories for the models tests create often."""

from datetime import date

import factory

from calls.models import Call, Deadline
from foundation.brussels import deadline_on, opening_on
from programmes.models import Fund, Programme


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ["code"]

    code = "TESTF"
    name = "Test fund (synthetic)"
    call_prefix = "TESTF"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    fund = factory.SubFactory(FundFactory)
    title = factory.Sequence(lambda n: f"Synthetic programme {n}")
    slug = factory.Sequence(lambda n: f"synthetic-programme-{n}")


class CallFactory(factory.django.DjangoModelFactory):
    """A synthetic call; `deadlines` is a list of moments (default: one, 17:00 on 30 June 2025)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: 900000 + n)
    identifier = factory.Sequence(lambda n: f"TESTF-2025-AG-{n:05d}")
    title = factory.Sequence(lambda n: f"Synthetic call {n}")
    opens_at = opening_on(date(2025, 1, 15))
    # Published well before it opens, so that it is public at every moment tests use.
    published_at = opening_on(date(2000, 1, 1))

    @factory.post_generation
    def deadlines(call, create, moments, **kwargs):
        if not create:
            return
        for due_at in moments if moments is not None else [deadline_on(date(2025, 6, 30))]:
            Deadline.objects.create(call=call, due_at=due_at)
