import pytest

from tests.reliability.scratch import migrated_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """One migrated scratch database per run; each drill works on a copy of it."""
    db = migrated_template(tmp_path_factory.mktemp("template"))
    yield db
    db.drop()
