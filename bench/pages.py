"""Page throughput on 50,000 articles: gunicorn (2 sync workers, production settings, Redis) and wrk on loopback.

Each page is measured with the page cache warm ("cached") and bypassed
("uncached"), beside a minimal Django view served by the same gunicorn as
the ceiling. Prints one line per measurement:
`<page> <cached|uncached>: rps=<n> p50_ms=<n> p99_ms=<n> ratio=<rps / minimal rps> queries=<n>`
and records them in bench/results/latest.json.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, bench_env, ensure_database, manage, record, setup_django

DATABASE = "newsroom_bench50k"
PORT = 8123
BYPASS = "bench-bypass-token"
BASE = f"http://127.0.0.1:{PORT}"


def wrk(url, seconds, connections=8, headers=(), script=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(latency(50), 2),
        "p99_ms": round(latency(99), 2),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def worker_rss_kb(master_pid):
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total, len(children)


def count_queries(paths):
    """SQL queries per uncached request, measured in-process against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_NEWSROOM_BYPASS_CACHE=BYPASS)
    counts = {}
    for name, path in paths.items():
        if name == "view beacon":
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--articles", type=int, default=50000)
    args = parser.parse_args()

    created = ensure_database(DATABASE)
    env = bench_env(
        DATABASE,
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PAGE_CACHE_BYPASS_TOKEN=BYPASS,
        NEWSROOM_BENCH_ENDPOINTS="1",
        VIEW_RATE_LIMIT_PER_MINUTE="100000000",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    if created or not _has_articles(env, args.articles):
        print(f"pages: seeding {args.articles} articles (first run only)...", flush=True)
        manage("seed_demo", "--articles", str(args.articles), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    setup_django(env)

    from django.core.cache import caches

    from news import trending
    from news.models import ArticlePage, SectionPage

    for alias in ("pages", "fragments"):
        caches[alias].clear()
    section = max(SectionPage.objects.live().filter(depth=3), key=lambda s: s.get_articles().count())
    per_page = section.articles_per_page
    pages_in_section = section.get_articles().count() // per_page
    article = ArticlePage.objects.listing().first()
    tag = article.tags.first()
    paths = {
        "minimal view": "/bench/minimal/",
        "home": "/",
        "section page 1": section.url,
        f"section page {min(200, pages_in_section)}": f"{section.url}?page={min(200, pages_in_section)}",
        "article": article.url,
        "tag": f"/tags/{tag.slug}/" if tag else "/",
        "search": "/search/?q=lagos+election",
    }
    token = trending.view_token(article.pk)
    beacon_script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    beacon_script.write(
        'wrk.method = "POST"\n'
        f'wrk.body = "token={token}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"\n'
    )
    beacon_script.close()

    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    results = {}
    try:
        _wait_for(f"{BASE}/bench/minimal/")
        queries = count_queries(paths)
        minimal = wrk(f"{BASE}/bench/minimal/", args.seconds)
        results["minimal view"] = {**minimal, "ratio": 1.0, "queries": 0}
        _print("minimal view", "cached", results["minimal view"])
        for name, path in paths.items():
            if name == "minimal view":
                continue
            for mode in ("cached", "uncached"):
                if name == "search" and mode == "cached":
                    continue  # search results are not page-cached
                headers = [f"X-Newsroom-Bypass-Cache: {BYPASS}"] if mode == "uncached" else []
                urllib.request.urlopen(_request(f"{BASE}{path}", headers)).read()  # warm
                measured = wrk(f"{BASE}{path}", args.seconds, headers=headers)
                measured["ratio"] = round(measured["rps"] / minimal["rps"], 4)
                measured["queries"] = 0 if mode == "cached" else queries.get(name)
                results[f"{name} {mode}"] = measured
                _print(name, mode, measured)
        beacon = wrk(f"{BASE}/api/views/", args.seconds, script=beacon_script.name)
        beacon["ratio"] = round(beacon["rps"] / minimal["rps"], 4)
        beacon["queries"] = 0
        results["view beacon"] = beacon
        _print("view beacon", "uncached", beacon)

        memory = _memory_growth(gunicorn.pid, f"{BASE}{paths['article']}", f"{BASE}{section.url}")
        results["memory"] = memory
        print(
            f"memory: worker_rss_kb_after_10k={memory['after_10k_kb']} after_20k={memory['after_20k_kb']} "
            f"growth_pct={memory['growth_pct']}"
        )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        os.unlink(beacon_script.name)
    record("pages", results)
    return 0


def _has_articles(env, wanted):
    out = subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", "select count(*) from news_articlepage"], capture_output=True, text=True
    )
    return out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) >= wanted


def _request(url, headers):
    request = urllib.request.Request(url)
    for header in headers:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    return request


def _wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def _memory_growth(master_pid, *urls):
    """Worker RSS after 10,000 and after 20,000 requests (half of them uncached)."""

    def run(n):
        per_url = n // (2 * len(urls))
        for url in urls:
            for headers in ([], [f"X-Newsroom-Bypass-Cache: {BYPASS}"]):
                script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
                for header in headers:
                    name, value = header.split(": ", 1)
                    script.write(f'wrk.headers["{name}"] = "{value}"\n')
                script.write(
                    f"local n = 0\nrequest = function() n = n + 1\n"
                    f"  if n > {per_url // 2} then wrk.thread:stop() end\n  return wrk.format()\nend\n"
                )
                script.close()
                subprocess.run(["wrk", "-t2", "-c4", "-d120s", "-s", script.name, url], capture_output=True, check=True)
                os.unlink(script.name)

    run(10000)
    after_10k, workers = worker_rss_kb(master_pid)
    run(10000)
    after_20k, _ = worker_rss_kb(master_pid)
    return {
        "workers": workers,
        "after_10k_kb": after_10k,
        "after_20k_kb": after_20k,
        "growth_pct": round((after_20k - after_10k) / after_10k * 100, 2),
    }


def _print(name, mode, m):
    print(
        f"{name} {mode}: rps={m['rps']} p50_ms={m['p50_ms']} p99_ms={m['p99_ms']} ratio={m['ratio']} "
        f"queries={m['queries']}" + (f" errors={m['errors']}" if m.get("errors") else ""),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
