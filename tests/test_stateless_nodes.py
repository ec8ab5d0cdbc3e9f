"""Stateless web and worker nodes: with the compose stack's environment, production settings write
nothing to local disk (README, "Object storage and scaling").

The environment is the one `docker-compose config` renders for the web service, so the compose file
and the settings are checked together; settings are loaded in a fresh process as a node loads them.
"""

import json

import pytest
import yaml
from django.conf import settings

from tests.test_compose import needs_compose, render
from tests.test_settings import clean_env, run_manage

DESCRIBE = """
import json, logging
from django.conf import settings as s
from django.core.files.storage import storages
handlers = [
    {"class": h.get("class", ""), "filename": h.get("filename")} for h in s.LOGGING.get("handlers", {}).values()
]
live_handlers = [type(h).__name__ for h in logging.getLogger().handlers]
paths = {name: str(getattr(s, name)) for name in ("MEDIA_ROOT", "STATIC_ROOT", "CELERY_DIR", "VAR_DIR")}
print(json.dumps({
    "default_storage": type(storages["default"]).__module__ + "." + type(storages["default"]).__name__,
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "database": s.DATABASES["default"]["ENGINE"],
    "caches": sorted({c["BACKEND"] for c in s.CACHES.values()}),
    "sessions": s.SESSION_ENGINE,
    "handlers": handlers,
    "live_handlers": live_handlers,
    "broker": s.CELERY_BROKER_URL,
    "results": s.CELERY_RESULT_BACKEND,
    "beat": s.CELERY_BEAT_SCHEDULER,
    "search": s.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"],
    "documents": s.WAGTAILDOCS_SERVE_METHOD,
    "media_url": s.MEDIA_URL,
    "serve_media": s.SERVE_MEDIA,
    "paths": paths,
}))
"""


def describe(env):
    result = run_manage("shell", "--no-imports", "-v0", "-c", DESCRIBE, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def compose_web_env(tmp_path):
    result = render(tmp_path, SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-test-0123456789")
    assert result.returncode == 0, result.stderr
    return {key: str(value) for key, value in yaml.safe_load(result.stdout)["services"]["web"]["environment"].items()}


def node_env(tmp_path, overrides):
    env = clean_env(**overrides)
    # Anything a node wrote under the app directory would land here (the var/ default), or in a
    # Django-derived path under it; the test checks that it is never even created.
    env["NEWSROOM_VAR_DIR"] = str(tmp_path / "app" / "var")
    env["STATIC_ROOT"] = str(tmp_path / "app" / "static-collected")
    for name in ("MEDIA_ROOT", "CELERY_DATA_DIR", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    return env


@needs_compose
def test_a_node_with_the_compose_environment_writes_nothing_to_local_disk(tmp_path, compose_web_env):
    assert compose_web_env["DJANGO_SETTINGS_MODULE"] == "newsroom.settings.production"
    described = describe(node_env(tmp_path, compose_web_env))

    # Media: the bucket, public images at MinIO's published address, documents only through the serve view.
    assert described["default_storage"] == "core.storage.MediaStorage"
    assert described["media_url"] == "http://localhost:9000/newsroom-media/"
    assert described["serve_media"] is False
    assert described["documents"] == "serve_view"
    # Static files: collected into the image at build time, served by WhiteNoise, never written at run time.
    assert described["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # Data, caches, sessions, tasks and search: network services, no SQLite, no file cache, no file broker.
    assert described["database"] == "django.db.backends.postgresql"
    assert described["caches"] == ["core.cache_backends.RedisCache", "core.cache_backends.RenditionCache"]
    assert described["sessions"] == "django.contrib.sessions.backends.db"
    assert described["broker"].startswith("redis://") and described["results"].startswith("redis://")
    assert described["beat"] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert described["search"] == "wagtail.search.backends.elasticsearch9"
    # Logs: the console only (docker collects stdout), no file handler anywhere.
    assert described["handlers"] == [{"class": "logging.StreamHandler", "filename": None}]
    assert described["live_handlers"] == ["StreamHandler"]
    # Loading the settings created nothing under the app directory (base.py creates var/ only for SQLite
    # or the filesystem broker, neither of which a node uses).
    assert not (tmp_path / "app").exists()


def test_without_the_bucket_variables_media_stay_local_files(tmp_path):
    env = node_env(
        tmp_path,
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
            "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-test-0123456789",
            "DATABASE_URL": "postgres://newsroom:newsroom@db:5432/newsroom",
            "REDIS_URL": "redis://redis:6379/0",
        },
    )
    for name in [name for name in env if name.startswith("AWS_")]:
        env.pop(name)
    described = describe(env)
    assert described["default_storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert described["media_url"] == "/media/"
    assert described["paths"]["MEDIA_ROOT"] == str(tmp_path / "app" / "var" / "media")


def test_settings_modules_never_name_a_file_log_handler():
    for module in sorted((settings.BASE_DIR / "newsroom" / "settings").glob("*.py")):
        text = module.read_text()
        assert "FileHandler" not in text and '"filename"' not in text, module.name
