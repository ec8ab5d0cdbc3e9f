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
import shutil
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
    """SQL queries per uncached request, and the cost of a cold one, measured in-process on the same database.

    "cold" is the first view after a publish: the page cache purged and the
    shared fragments (navigation, cards, listings, article parts) of the
    previous generation no longer used, so everything is rebuilt.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core import fragments

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_NEWSROOM_BYPASS_CACHE=BYPASS)
    counts, cold = {}, {}
    for name, path in paths.items():
        if name in ("view beacon", "minimal view"):
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
        timings, cold_queries = [], 0
        for _ in range(5):
            fragments.bump()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            cold_queries = len(queries)
        cold[name] = {"ms": round(sorted(timings)[2], 1), "queries": cold_queries}
    return counts, cold


def main():
    if shutil.which("wrk") is None:
        print("pages: wrk is not installed; install Debian's wrk (apt-get install wrk) and run again", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--articles", type=int, default=50000)
    args = parser.parse_args()

    created = ensure_database(DATABASE)
    env = bench_env(
        DATABASE,
        DJANGO_SETTINGS_MODULE="newsroom.settings.bench",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        PAGE_CACHE_BYPASS_TOKEN=BYPASS,
        NEWSROOM_BENCH_ENDPOINTS="1",
        VIEW_RATE_LIMIT_PER_MINUTE="100000000",
        # wrk searches from one address: search's per-address limits (search/views.py) off.
        SEARCH_RATE_LIMIT_PER_MINUTE="0",
        SUGGEST_RATE_LIMIT_PER_MINUTE="0",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    if created or not _has_articles(env, args.articles):
        print(f"pages: seeding {args.articles} articles (first run only)...", flush=True)
        manage("seed_demo", "--articles", str(args.articles), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    # Fresh planner statistics, as autovacuum keeps them on a live database: right
    # after a bulk load the planner would pick plans for an empty table.
    subprocess.run(["psql", env["DATABASE_URL"], "-qc", "VACUUM ANALYZE"], check=True)
    setup_django(env)

    from django.core.cache import caches

    from news.models import ArticlePage, SectionPage
    from trending import counting

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
    token = counting.view_token(article.pk)
    beacon_script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    # Every request a new reader (its own user agent), so each one is counted, not deduplicated.
    beacon_script.write(
        'wrk.method = "POST"\n'
        f'wrk.body = "token={token}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        '  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux) Chrome/130.0 r" .. n .. "-" .. math.random(1e9)\n'
        "  return wrk.format()\n"
        "end\n"
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
        queries, cold = count_queries(paths)
        for name, measured in cold.items():
            print(f"{name} cold: ms={measured['ms']} queries={measured['queries']}", flush=True)
        results["cold (in-process, first view after a publish)"] = cold
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
                _drain()
                urllib.request.urlopen(_request(f"{BASE}{path}", headers)).read()  # warm
                measured = wrk(f"{BASE}{path}", args.seconds, headers=headers)
                measured["ratio"] = round(measured["rps"] / minimal["rps"], 4)
                measured["queries"] = 0 if mode == "cached" else queries.get(name)
                results[f"{name} {mode}"] = measured
                _print(name, mode, measured)
        _drain()
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


def _drain(timeout=60):
    """Wait until the workers have finished what the last load left queued (a slow page can leave
    seconds of work behind), so it is not charged to the next measurement."""
    deadline = time.monotonic() + timeout
    fast = 0
    while fast < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(f"{BASE}/bench/minimal/", timeout=timeout).read()
        fast = fast + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(0.2)


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
    """Worker RSS after 10,000 and after 20,000 requests (half of them uncached).

    A counted load (wrk only runs for a duration): four client threads, each
    request on a new connection as gunicorn's sync workers close them anyway.
    """
    from concurrent.futures import ThreadPoolExecutor

    plan = [(url, headers) for url in urls for headers in ([], [f"X-Newsroom-Bypass-Cache: {BYPASS}"])]

    def fetch(n):
        url, headers = plan[n % len(plan)]
        with urllib.request.urlopen(_request(url, headers), timeout=30) as response:
            response.read()
            return response.status

    def run(n, offset):
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(fetch, range(offset, offset + n)))
        bad = [status for status in statuses if status != 200]
        if bad:
            raise RuntimeError(f"memory run: {len(bad)} responses were not 200")

    run(10000, 0)
    after_10k, workers = worker_rss_kb(master_pid)
    run(10000, 10000)
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
