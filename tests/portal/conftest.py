# The sign-off cast and problem (see tests/signoff/conftest.py) serve the portal tests too.
from tests.signoff.conftest import cast, problem  # noqa: F401
