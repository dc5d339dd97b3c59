"""The NCP area's tests use the personas of tests/conftest.py (NCPs of programmes A and B,
their contact points and calls, staff, a superuser).

Time is frozen at CLOCK, when the factories' calls (opening 15 January 2025, deadline
30 June 2025 at 17:00 Brussels) are open.
"""

from datetime import datetime

import pytest
import time_machine

from foundation.brussels import BRUSSELS

CLOCK = datetime(2025, 3, 3, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(CLOCK, tick=False) as traveller:
        yield traveller
