"""Health check: answers without a session, says whether the database and schema are fine."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rectify import __version__


def _checks() -> dict[str, str]:
    checks = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    return checks


@never_cache
def health(request):
    checks = _checks()
    healthy = all(value == "ok" for value in checks.values())
    status = 200 if healthy else 503
    body = {"status": "ok" if healthy else "fail", "version": __version__, "checks": checks}
    if (
        "application/json" in request.headers.get("Accept", "")
        or request.GET.get("format") == "json"
    ):
        return JsonResponse(body, status=status)
    return render(request, "core/health.html", body, status=status)
