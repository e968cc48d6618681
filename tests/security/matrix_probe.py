"""Routes and API operations of the running configuration, and how to fill their kwargs."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def html_routes() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern outside the API, walked recursively."""
    out: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, ns: list[str]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(
                    p.url_patterns,
                    prefix + str(p.pattern),
                    ns + ([p.namespace] if p.namespace else []),
                )
            elif isinstance(p, URLPattern):
                out.append((":".join([*ns, p.name or str(p.pattern)]), prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", [])
    return [(n, r) for n, r in out if not n.startswith("api:")]


def api_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document served at
    /api/v1/openapi.json (built here without a request, so collection needs no database)."""
    from rectify.api import api

    spec = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method.upper(), path.rstrip("/") if path != "/api/v1/" else path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]


KWARG = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
API_PARAM = re.compile(r"\{(?P<name>\w+)\}")


def fill(route: str, kinds: dict[str, str], ids: dict, region: str, pattern=KWARG) -> str:
    """The route with each kwarg replaced by the id of the named kind in `region`."""

    def sub(m: re.Match) -> str:
        kind = kinds[m.group("name")]
        return kind[1:] if kind.startswith("=") else str(ids[(kind, region)])

    return pattern.sub(sub, route)
