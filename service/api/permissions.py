"""Who may do what: every route's permission and every role's grants, in one place.

A new role is one entry in GRANTS; a new route is one entry in ROUTES (a test walks every route
of the app and fails when one is missing, and an unlisted route refuses every key).
"""

from enum import StrEnum

from service.store.tables import Role


class Permission(StrEnum):
    """An action on a resource."""

    public = "public"
    screenings_create = "screenings:create"
    screenings_read = "screenings:read"
    batches_create = "batches:create"
    batches_read = "batches:read"
    rules_read = "rules:read"
    rules_reload = "rules:reload"
    keys_manage = "keys:manage"
    reviews_read = "reviews:read"
    dispositions_create = "dispositions:create"
    rescreens_create = "rescreens:create"
    rescreens_read = "rescreens:read"
    webhooks_manage = "webhooks:manage"


class Scope(StrEnum):
    """How much of a resource a grant covers."""

    own = "own"  # only what the same key created
    all = "all"


ROUTES: dict[tuple[str, str], Permission] = {
    ("POST", "/v1/screenings"): Permission.screenings_create,
    ("POST", "/v1/screenings/bulk"): Permission.screenings_create,
    ("GET", "/v1/screenings"): Permission.screenings_read,
    ("GET", "/v1/screenings/{screening_id}"): Permission.screenings_read,
    ("POST", "/v1/batches"): Permission.batches_create,
    ("GET", "/v1/batches"): Permission.batches_read,
    ("GET", "/v1/batches/{job_id}"): Permission.batches_read,
    ("GET", "/v1/batches/{job_id}/results"): Permission.batches_read,
    ("GET", "/v1/instruments"): Permission.rules_read,
    ("GET", "/v1/categories"): Permission.rules_read,
    ("GET", "/v1/categories/{category_id}"): Permission.rules_read,
    ("GET", "/v1/parameters"): Permission.rules_read,
    ("GET", "/v1/parties"): Permission.rules_read,
    ("GET", "/v1/parties/{entry_id}"): Permission.rules_read,
    ("POST", "/v1/screenings/{screening_id}/dispositions"): Permission.dispositions_create,
    ("GET", "/v1/reviews"): Permission.reviews_read,
    ("POST", "/v1/rescreens"): Permission.rescreens_create,
    ("GET", "/v1/rescreens/{rescreen_id}"): Permission.rescreens_read,
    ("GET", "/v1/rescreens/{rescreen_id}/report"): Permission.rescreens_read,
    ("GET", "/v1/rulesets"): Permission.rules_read,
    ("POST", "/v1/admin/rules/reload"): Permission.rules_reload,
    ("POST", "/v1/keys"): Permission.keys_manage,
    ("GET", "/v1/keys"): Permission.keys_manage,
    ("DELETE", "/v1/keys/{key_id}"): Permission.keys_manage,
    ("POST", "/v1/webhooks"): Permission.webhooks_manage,
    ("GET", "/v1/webhooks"): Permission.webhooks_manage,
    ("GET", "/v1/webhooks/{webhook_id}"): Permission.webhooks_manage,
    ("DELETE", "/v1/webhooks/{webhook_id}"): Permission.webhooks_manage,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): Permission.webhooks_manage,
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): (
        Permission.webhooks_manage
    ),
    ("GET", "/healthz"): Permission.public,
    ("GET", "/readyz"): Permission.public,
    # Scraped from inside the network; see README "Metrics" on keeping it off the internet.
    ("GET", "/metrics"): Permission.public,
    ("GET", "/openapi.json"): Permission.public,
    ("GET", "/docs"): Permission.public,
    ("GET", "/redoc"): Permission.public,
}

_READ_ALL = {
    Permission.screenings_read: Scope.all,
    Permission.batches_read: Scope.all,
    Permission.rules_read: Scope.all,
    Permission.reviews_read: Scope.all,
    Permission.rescreens_read: Scope.all,
}

GRANTS: dict[Role, dict[Permission, Scope]] = {
    Role.screener: {
        Permission.screenings_create: Scope.all,
        Permission.screenings_read: Scope.own,
        Permission.batches_create: Scope.all,
        Permission.batches_read: Scope.own,
        Permission.rules_read: Scope.all,
    },
    Role.auditor: dict(_READ_ALL),
    # Officers rule on screenings: they read all of them and the queue, but do not screen.
    Role.officer: {
        Permission.screenings_read: Scope.all,
        Permission.rules_read: Scope.all,
        Permission.reviews_read: Scope.all,
        Permission.rescreens_read: Scope.all,
        Permission.dispositions_create: Scope.all,
    },
    Role.admin: {
        **_READ_ALL,
        Permission.screenings_create: Scope.all,
        Permission.batches_create: Scope.all,
        Permission.rules_reload: Scope.all,
        Permission.keys_manage: Scope.all,
        Permission.dispositions_create: Scope.all,
        Permission.rescreens_create: Scope.all,
        Permission.webhooks_manage: Scope.all,
    },
}


def route_permission(method: str, path: str) -> Permission | None:
    """The permission a route needs (HEAD as GET), or None when the route is not listed."""
    return ROUTES.get(("GET" if method == "HEAD" else method, path))


def grant(role: str, permission: Permission) -> Scope | None:
    """How much of `permission` the role has, or None when it has none."""
    try:
        return GRANTS[Role(role)].get(permission)
    except ValueError:
        return None
