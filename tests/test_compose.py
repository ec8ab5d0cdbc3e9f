"""docker-compose.yml describes the production-like stack DESIGN.md promises."""

import os
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat", "migrate")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_stack_has_every_service(compose):
    assert set(compose["services"]) == {"db", "redis", "cache", "search", "migrate", "web", "worker", "beat"}
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert ":9." in compose["services"]["search"]["image"] and "elasticsearch" in compose["services"]["search"]["image"]


def test_backing_services_have_healthchecks(compose):
    for name in ("db", "redis", "cache", "search"):
        assert compose["services"][name]["healthcheck"]["test"], name


def _option(command, name):
    return command[command.index(name) + 1]


def test_counters_and_broker_never_evicted_and_caches_bounded(compose):
    """Counts and queued tasks live in a Redis that evicts nothing; a crawler can only churn the cache Redis."""
    durable = compose["services"]["redis"]["command"]
    assert _option(durable, "--maxmemory-policy") == "noeviction"
    assert _option(durable, "--appendonly") == "yes"
    cache = compose["services"]["cache"]["command"]
    assert _option(cache, "--maxmemory-policy") == "allkeys-lru"
    assert _option(cache, "--maxmemory") == "${CACHE_MAXMEMORY:-512mb}"
    env = compose["services"]["web"]["environment"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["REDIS_CACHE_URL"] == "redis://cache:6379/0"


def test_search_is_single_node_without_security_and_with_a_bounded_heap(compose):
    env = compose["services"]["search"]["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"
    assert "-Xmx" in env["ES_JAVA_OPTS"]


def test_app_services_share_one_image_and_environment(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert images == {"newsroom:latest"}
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["SEARCH_ENGINE"] == "elasticsearch"
    assert env["DJANGO_SETTINGS_MODULE"] == "newsroom.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_app_services_wait_for_healthy_backing_services_and_migrations(compose):
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        for backing in ("db", "redis", "cache", "search"):
            assert depends[backing]["condition"] == "service_healthy", (name, backing)
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in " ".join(compose["services"]["migrate"]["command"])


def test_commands_run_web_worker_and_beat(compose):
    assert compose["services"]["web"]["command"][0] == "gunicorn"
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "newsroom", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "newsroom", "beat"]


def test_data_lives_in_named_volumes(compose):
    assert {"db-data", "redis-data", "search-data", "media"} <= set(compose["volumes"])


def test_dockerfile_runs_as_non_root_from_the_lock():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.11-slim")
    assert "pip install -r requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert "\nUSER newsroom" in dockerfile


needs_compose = pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="needs docker-compose (apt install docker-compose)"
)


def render(tmp_path, **env):
    """`docker-compose config` of the file with exactly these variables (none from a .env or the caller)."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "--env-file", str(empty_env_file), "config"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
    )


@needs_compose
def test_compose_file_validates(tmp_path):
    result = render(tmp_path, SECRET_KEY="a-key-only-for-this-test")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["services"]["web"]["environment"]["SECRET_KEY"] == "a-key-only-for-this-test"


@needs_compose
def test_compose_file_refuses_to_render_without_a_secret_key(tmp_path):
    for env in ({}, {"SECRET_KEY": ""}):
        result = render(tmp_path, **env)
        assert result.returncode != 0
        assert "set SECRET_KEY" in result.stderr
