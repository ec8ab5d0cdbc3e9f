"""docker-compose.yml describes the production-like stack DESIGN.md promises."""

import os
import re
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
    assert set(compose["services"]) == {
        *("db", "redis", "cache", "search", "migrate", "web", "worker", "beat"),
        *("minio", "media-bucket", "lb", "varnish"),
    }
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert ":9." in compose["services"]["search"]["image"] and "elasticsearch" in compose["services"]["search"]["image"]


def test_backing_services_have_healthchecks(compose):
    for name in ("db", "redis", "cache", "search", "minio"):
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
        assert depends["media-bucket"]["condition"] == "service_completed_successfully"
    assert "migrate" in " ".join(compose["services"]["migrate"]["command"])


def test_commands_run_web_worker_and_beat(compose):
    assert compose["services"]["web"]["command"][0] == "gunicorn"
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "newsroom", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "newsroom", "beat"]


def test_data_lives_in_named_volumes(compose):
    assert {"db-data", "redis-data", "search-data", "minio-data"} <= set(compose["volumes"])
    assert "media" not in compose["volumes"]


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


# Object storage, stateless nodes, scaling and the edge (README, "Object storage and scaling").

SCALED = ("web", "worker")


def test_media_go_to_the_minio_bucket_created_once_with_only_renditions_and_banners_public(compose):
    env = compose["services"]["web"]["environment"]
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["AWS_STORAGE_BUCKET_NAME"] == "${MEDIA_BUCKET:-newsroom-media}"
    credentials = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_S3_REGION_NAME", "AWS_S3_PUBLIC_ENDPOINT_URL"}
    assert credentials <= set(env)
    assert "MEDIA_ROOT" not in env and "SERVE_MEDIA" not in env
    assert compose["services"]["minio"]["image"].startswith("minio/minio:")
    assert "minio-data:/data" in compose["services"]["minio"]["volumes"]
    bucket = compose["services"]["media-bucket"]
    assert bucket["image"].startswith("minio/mc:") and bucket["restart"] == "no"
    script = bucket["entrypoint"][-1]
    assert "mc mb --ignore-existing" in script
    assert "mc anonymous set none" in script
    public = re.findall(r'mc anonymous set download "media/\$\$MEDIA_BUCKET/([^"]*)"', script)
    assert public == ["images/", "ads/"]
    from core.storage import PUBLIC_PREFIXES

    assert tuple(public) == PUBLIC_PREFIXES


def test_app_nodes_are_read_only_with_no_volume_and_only_a_scratch_tmp(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["read_only"] is True, name
        assert service["tmpfs"] == ["/tmp"], name
        assert "volumes" not in service, name


def test_web_and_worker_scale_and_beat_runs_once(compose):
    for name in SCALED:
        service = compose["services"][name]
        assert "container_name" not in service, name
        assert "ports" not in service, name
    assert compose["services"]["web"]["expose"] == ["8000"]
    beat = compose["services"]["beat"]
    assert "container_name" not in beat and "scale" not in beat and "deploy" not in beat
    assert "--pidfile=" in beat["command"]


def test_varnish_fronts_an_nginx_balancer_over_every_web_container(compose):
    varnish = compose["services"]["varnish"]
    assert varnish["image"].startswith("varnish:7.")
    assert "./deploy/varnish/default.vcl:/etc/varnish/default.vcl:ro" in varnish["volumes"]
    assert varnish["ports"] == ["${HTTP_PORT:-8000}:80"]
    lb = compose["services"]["lb"]
    lb_address = lb["networks"]["default"]["ipv4_address"]
    # The VCL's backend "web" is pinned to the balancer, which alone resolves "web" to every container.
    assert varnish["extra_hosts"] == [f"web:{lb_address}"]
    assert "./deploy/lb/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in lb["volumes"]
    conf = (settings.BASE_DIR / "deploy" / "lb" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in conf
    assert "set $web_nodes http://web:8000;" in conf and "proxy_pass $web_nodes;" in conf
    assert "listen 8000;" in conf


def test_the_balancer_config_is_valid_nginx(tmp_path):
    """Debian's nginx parses deploy/lb/nginx.conf exactly as the container's would."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path};\n proxy_temp_path {tmp_path};\n"
        f" fastcgi_temp_path {tmp_path};\n uwsgi_temp_path {tmp_path};\n scgi_temp_path {tmp_path};\n"
        f" include {settings.BASE_DIR / 'deploy' / 'lb' / 'nginx.conf'};\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@needs_compose
def test_rendered_stack_has_no_writable_mount_under_the_app_directory(tmp_path):
    result = render(tmp_path, SECRET_KEY="a-key-only-for-this-test")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in (*SCALED, "beat", "migrate"):
        service = services[name]
        assert service["environment"]["AWS_STORAGE_BUCKET_NAME"] == "newsroom-media"
        assert service["read_only"] is True
        for mount in service.get("volumes", []):
            target = mount["target"] if isinstance(mount, dict) else mount.split(":")[1]
            read_only = mount.get("read_only") if isinstance(mount, dict) else mount.endswith(":ro")
            assert read_only or not target.startswith("/app"), (name, mount)
        assert "ports" not in service and "container_name" not in service, name
    # The varnish published port is the only way in for readers.
    assert [port["published"] for port in services["varnish"]["ports"]] in ([8000], ["8000"])
