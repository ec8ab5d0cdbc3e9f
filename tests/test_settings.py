import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsroom.settings.base import search_backends_from_env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def clean_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(overrides)
    return env


def test_no_search_url_selects_database_backend():
    assert search_backends_from_env({}) == {"default": {"BACKEND": "wagtail.search.backends.database"}}
    # SEARCH_ENGINE alone does nothing without an address.
    assert search_backends_from_env({"SEARCH_ENGINE": "opensearch"})["default"]["BACKEND"] == (
        "wagtail.search.backends.database"
    )


def test_elasticsearch_engine_selects_elasticsearch9_with_url():
    config = search_backends_from_env({"SEARCH_URL": "http://search:9200", "SEARCH_ENGINE": "elasticsearch"})
    assert config["default"]["BACKEND"] == "wagtail.search.backends.elasticsearch9"
    assert config["default"]["URLS"] == ["http://search:9200"]
    assert config["default"]["TIMEOUT"] == 2


def test_elasticsearch_backend_class_is_built_from_config(settings):
    from modelsearch.backends.elasticsearch9 import Elasticsearch9SearchBackend
    from wagtail.search.backends import get_search_backend

    settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
        {"SEARCH_URL": "http://search.internal:9200", "SEARCH_ENGINE": "elasticsearch"}
    )
    backend = get_search_backend("default")
    assert isinstance(backend, Elasticsearch9SearchBackend)
    assert "search.internal" in str(backend.hosts)
    assert "9200" in str(backend.hosts)


def test_unknown_search_engine_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="SEARCH_ENGINE must be one of elasticsearch, opensearch"):
        search_backends_from_env({"SEARCH_URL": "http://x:9200", "SEARCH_ENGINE": "solr"})


def test_production_without_secret_key_exits_with_one_clear_line():
    result = run_manage("check", env=clean_env(DJANGO_SETTINGS_MODULE="newsroom.settings.production"))
    assert result.returncode == 1
    assert result.stderr.strip() == ("newsroom: SECRET_KEY is not set; production settings refuse to start without it.")


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=clean_env(
            DJANGO_SETTINGS_MODULE="newsroom.settings.production",
            SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-test-0123456789",
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_defaults_to_lagos():
    assert settings.TIME_ZONE == os.environ.get("TIME_ZONE", "Africa/Lagos")
    assert settings.USE_TZ is True


def test_wagtail_tasks_stay_on_the_immediate_backend():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_celery_is_configured_for_safe_delivery():
    from newsroom.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    expected_broker = os.environ.get("REDIS_URL") or "filesystem://"
    assert app.conf.broker_url == expected_broker


def test_beat_runs_the_publish_sweep_every_minute():
    from newsroom.celery import app

    app.loader.import_default_modules()  # what a worker does at start-up

    entry = app.conf.beat_schedule["publish-scheduled-pages"]
    assert entry["task"] == "publishing.tasks.publish_scheduled_pages"
    assert entry["schedule"] == 60.0
    assert "publishing.tasks.publish_scheduled_pages" in app.tasks


def test_there_is_no_site_package_shadowed_by_python():
    assert not (settings.BASE_DIR / "site").exists()


def test_no_benchmark_script_shadows_an_app():
    # The benchmarks run from bench/, where a bench/trending.py would be imported instead of the trending app.
    scripts = {path.stem for path in (settings.BASE_DIR / "bench").glob("*.py")}
    assert scripts.isdisjoint(settings.NEWSROOM_APPS)


@pytest.mark.parametrize(
    ("module", "installed"),
    [
        ("newsroom.settings.production", False),
        ("newsroom.settings.dev", True),
        ("newsroom.settings.test", True),
        ("newsroom.settings.bench", True),
    ],
)
def test_the_demo_loader_is_installed_everywhere_but_production(module, installed):
    env = clean_env(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-test")
    result = run_manage("help", "seed_demo", env=env)
    if installed:
        assert result.returncode == 0, result.stderr
        assert "seed_demo" in result.stdout
    else:
        assert result.returncode != 0
        assert "Unknown command: 'seed_demo'" in result.stderr


@pytest.mark.parametrize(
    "cache_url, expected_cache",
    [("", "redis://durable:6379/0"), ("redis://cache:6379/0", "redis://cache:6379/0")],
)
def test_caches_use_the_cache_redis_and_counters_and_broker_the_durable_one(cache_url, expected_cache):
    code = (
        "from django.conf import settings; "
        "print(sorted({c['LOCATION'] for c in settings.CACHES.values()})); "
        "print(settings.REDIS_URL, settings.CELERY_BROKER_URL)"
    )
    result = run_manage(
        "shell",
        "-v0",
        "-c",
        code,
        env=clean_env(
            DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
            REDIS_URL="redis://durable:6379/0",
            REDIS_CACHE_URL=cache_url,
        ),
    )
    assert result.returncode == 0, result.stderr
    locations, urls = result.stdout.strip().splitlines()[-2:]
    assert locations == repr([expected_cache])
    assert urls == "redis://durable:6379/0 redis://durable:6379/0"


PRODUCTION_SECRET = "x" * 20 + "-production-like-secret-key-for-the-test-0123456789"
SHOW_SECURITY_SETTINGS = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    "s.SILENCED_SYSTEM_CHECKS, bool(s.CONTENT_SECURITY_POLICY), bool(s.CONTENT_SECURITY_POLICY_REPORT_ONLY), "
    "s.NEWSROOM_CSP_READER.get('report-uri'))"
)


def show_security_settings(env):
    result = run_manage("shell", "--no-imports", "-c", SHOW_SECURITY_SETTINGS, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def production_env(**overrides):
    env = clean_env(DJANGO_SETTINGS_MODULE="newsroom.settings.production", SECRET_KEY=PRODUCTION_SECRET)
    for name in ("HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD", "CSP_REPORT_ONLY", "CSP_REPORT_URI"):
        env.pop(name, None)
    env.update(overrides)
    return env


def test_hsts_subdomains_and_preload_are_off_unless_asked_for_and_check_deploy_still_passes():
    shown = show_security_settings(production_env())
    assert shown == "False False ['security.W005', 'security.W021'] True False None"
    deploy = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


def test_hsts_preload_and_subdomains_opt_in_by_environment_with_no_check_silenced():
    env = production_env(HSTS_INCLUDE_SUBDOMAINS="true", HSTS_PRELOAD="true")
    assert show_security_settings(env) == "True True [] True False None"
    deploy = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "no issues (0 silenced)" in deploy.stdout

    # The preload list requires includeSubDomains: asking for preload alone is a clear error, not a silent widening.
    alone = run_manage("check", env=production_env(HSTS_PRELOAD="true"))
    assert alone.returncode == 1
    assert alone.stderr.strip() == (
        "newsroom: HSTS_PRELOAD=true needs HSTS_INCLUDE_SUBDOMAINS=true (the preload list requires it)."
    )


def test_csp_report_only_and_report_uri_come_from_the_environment():
    env = production_env(CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://reports.example.com/csp")
    assert show_security_settings(env).endswith("False True ['https://reports.example.com/csp']")


def test_a_static_or_media_cdn_is_admitted_by_the_policies():
    from newsroom.settings.base import content_security_policies

    reader, admin, report_only = content_security_policies(
        {}, static_url="https://static.example.net/s/", media_url="https://media.example.net/m/"
    )
    assert reader["script-src"] == ["'self'", "https://static.example.net"]
    assert reader["img-src"] == ["'self'", "https://static.example.net", "https://media.example.net"]
    assert "https://media.example.net" in admin["img-src"] and report_only is False
    assert content_security_policies({"CSP_REPORT_ONLY": "no"})[2] is False
