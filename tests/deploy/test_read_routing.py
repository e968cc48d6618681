"""RECTIFY_REPLICA_URLS and the reporting router, against a real second database.

The "replica" is a copy of the primary taken before more data arrived, which is what a
lagging streaming replica looks like to the application: reads inside `reporting_reads()`
see the copy, everything else (and every write) the primary.
"""

import sqlite3

from tests.deploy.support import (
    ROOT,
    instance_env,
    on_postgres,
    pg_url,
    rectify,
    run_python,
    scratch_database,
)

PROBE = """
from rectify.accounts.models import User
from rectify.core.dbrouter import reporting_reads, replica_aliases
from rectify.orgs.models import Org
print("aliases", *replica_aliases())
print("primary", Org.objects.count(), User.objects.count())
with reporting_reads() as alias:
    print("reporting", alias, Org.objects.count(), User.objects.count())
    Org.objects.filter(code="520000").update(short_name="写入主库")
print("after", Org.objects.get(code="520000").short_name, Org.objects.count())
with reporting_reads():
    print("replica_sees", Org.objects.filter(short_name="写入主库").count())

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rectify.core.dbrouter import reporting_view

@reporting_view
def view(request):
    return Org.objects.count()

get, post = RequestFactory().get("/"), RequestFactory().post("/")
get.user = post.user = AnonymousUser()
print("view", view(get), view(post))
"""


def probe(env) -> dict[str, list[str]]:
    lines = run_python(env, PROBE).splitlines()
    return {line.split()[0]: line.split()[1:] for line in lines if line.strip()}


def test_reporting_reads_go_to_the_replica_and_everything_else_to_the_primary(tmp_path):
    if on_postgres():
        with scratch_database("route_primary") as primary:
            env = instance_env(tmp_path / "var", pg_url(primary), PYTHONPATH=str(ROOT))
            rectify(env, "migrate", "--noinput", "-v0")
            # A replica that stopped right after the schema: no orgs, no users yet.
            with scratch_database("route_replica", template=primary) as replica:
                run_python(env, "from tests.deploy import dataset; dataset.accounts()")
                env["RECTIFY_REPLICA_URLS"] = pg_url(replica)
                seen = probe(env)
    else:
        env = instance_env(tmp_path / "var", "", PYTHONPATH=str(ROOT))
        rectify(env, "migrate", "--noinput", "-v0")
        replica = tmp_path / "replica.sqlite3"
        with (
            sqlite3.connect(tmp_path / "var" / "rectify.sqlite3") as src,
            sqlite3.connect(replica) as dst,
        ):
            src.backup(dst)
        run_python(env, "from tests.deploy import dataset; dataset.accounts()")
        env["RECTIFY_REPLICA_URLS"] = f"sqlite:///{replica}"
        seen = probe(env)

    assert seen["aliases"] == ["replica1"]
    orgs, users = int(seen["primary"][0]), int(seen["primary"][1])
    assert orgs > 100 and users > 10
    # Domain reads in the block come from the (stale) replica; users and sessions from the
    # primary, so a login made a moment ago still counts.
    assert seen["reporting"] == ["replica1", "0", str(users)]
    # The write inside the block went to the primary and is read back there.
    assert seen["after"] == ["写入主库", str(orgs)]
    assert seen["replica_sees"] == ["0"]
    # A view decorated with reporting_view reads the replica on GET, the primary on POST.
    assert seen["view"] == ["0", str(orgs)]


def test_without_replicas_reporting_reads_use_the_primary(tmp_path):
    env = instance_env(tmp_path / "var", "", PYTHONPATH=str(ROOT))
    out = run_python(
        env,
        "from rectify.core.dbrouter import reporting_reads\n"
        "with reporting_reads() as alias: print(alias)",
    )
    assert out.split() == ["default"]


def test_s3_bucket_setting_puts_evidence_in_object_storage(tmp_path):
    env = instance_env(
        tmp_path / "var",
        "",
        RECTIFY_S3_BUCKET="rectify-evidence",
        RECTIFY_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        RECTIFY_S3_REGION="cn-southwest-1",
    )
    out = run_python(
        env,
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__module__, s.bucket_name, s.endpoint_url, s.default_acl,"
        " s.file_overwrite, s.querystring_auth)",
    )
    assert out.split() == [
        "storages.backends.s3",
        "rectify-evidence",
        "http://127.0.0.1:9000",
        "private",
        "False",
        "True",
    ]
