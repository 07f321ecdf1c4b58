"""Settings for every test: the hypothesis profiles.

`default` keeps each property-test file of tests/hardening well under a minute in CI;
`--hypothesis-profile=long` runs them 30 times deeper (about 20 minutes on two cores).
No deadline: an example's time depends on the size of the workflow generated.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "default", max_examples=200, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "long", max_examples=6_000, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.load_profile("default")
