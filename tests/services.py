"""Which real service a marker needs, and whether this run has it."""

import os


def database_is_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def needs_variable(marker_name):
    """Return a skip reason if the marker's service is not configured, else None."""
    if marker_name == "postgres" and not database_is_postgres():
        return "needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/dbname"
    if marker_name == "redis" and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL=redis://host:6379/N"
    return None
