"""Search on 50,000 articles: the search page's latency, the suggestion endpoint's, and the index build.

Runs against the PostgreSQL database newsroom_bench50k that bench/pages.py
seeds (`manage.py seed_demo --articles 50000`), in-process through Django's
test client, so each figure is the whole view (search, count, loading the
stories, rendering) without the network. Prints:

    index_build_s=<n> articles=<n> backend=postgres
    search p50_ms=<n> p95_ms=<n> queries=50 articles=<n> backend=postgres
    suggest p50_ms=<n> p95_ms=<n> target_p95_ms=50 backend=postgres

and, with --osmem, the same search lines for the OpenSearch 3 backend on an
osmem-server holding a copy of the index (an in-memory test server: its
figures say the query shapes work at scale, not what Elasticsearch costs).
The PostgreSQL index is rebuilt only when it is missing articles or with
--rebuild: a full build is slow, and its last time is kept in
bench/results/latest.json.

With --load-seconds N (default 5; 0 skips it) the search page is also
measured under load: gunicorn (2 workers, a free port) and wrk, the minimal
view first, then the search page, each line with its ratio to the minimal
view measured in the same run:

    under load <name>: rps=<n> p50_ms=<n> p99_ms=<n> ratio=<rps / minimal rps>

--articles N seeds the database up to N articles first (seed_demo's bulk
path, then the "Did you mean" vocabulary); a database per size is kept
(newsroom_bench50k, newsroom_bench200k, ... or BENCH_SEARCH_DATABASE).

    python bench/search_bench.py [--articles N] [--rebuild] [--osmem] [--passes N] [--load-seconds N]
"""

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from common import RESULTS, ROOT, bench_env, ensure_database, manage, percentile, record, setup_django

DATABASE = os.environ.get("BENCH_SEARCH_DATABASE")
LOAD_QUERIES = ["lagos election", "the minister said", "inflaton"]
SUGGEST_TARGET_MS = 50

# What readers of a Nigerian daily type: names, places, institutions, topics,
# several words, a quoted phrase, typos, diacritics and a filter or two.
QUERIES = [
    "tinubu",
    "inec",
    "lagos",
    "kano",
    "abuja",
    "naira",
    "inflation",
    "fuel subsidy",
    "super eagles",
    "super falcons",
    "afcon",
    "senate",
    "house of reps",
    "supreme court",
    "efcc",
    "cbn interest rate",
    "nnpc",
    "asuu strike",
    "jamb results",
    "waec",
    "banditry zamfara",
    "flooding maiduguri",
    "power supply",
    "fintech start-ups lagos",
    "nollywood",
    "afrobeats",
    "premier league",
    "ecowas summit",
    "african union",
    "climate change",
    "oil and gas",
    "2027 elections",
    "governors forum",
    "police",
    "port harcourt",
    "ibadan",
    "onitsha market",
    "the governor",
    "the minister said",
    '"supreme court"',
    '"fuel subsidy" removal',
    "adebayo okafor",
    "ngozi",
    "obasanjo",
    "Ọ̀yọ́",
    "abeokuta",
    "inflaton",
    "naira exchange rate dollar",
    "kaduna refinery",
    "insecurity north",
]
assert len(QUERIES) == 50
FILTERED = [("kano", {"date": "30d"}), ("tinubu", {"order": "newest"}), ("naira", {"kind": "analysis"})]


def timed_get(client, path, params):
    started = time.perf_counter()
    response = client.get(path, params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} {params} answered {response.status_code}")
    return elapsed, response


def measure_search(client, passes):
    # One unmeasured pass warms the database's caches and Django's.
    for query in QUERIES:
        timed_get(client, "/search/", {"q": query})
    timings, counts = [], []
    for _ in range(passes):
        for query in QUERIES:
            elapsed, response = timed_get(client, "/search/", {"q": query})
            timings.append(elapsed)
            results = response.context["search"].results
            counts.append(results.count if results else 0)
    for query, params in FILTERED:
        timings.append(timed_get(client, "/search/", {"q": query, **params})[0])
    return timings, counts


def measure_suggest(client, passes):
    prefixes = sorted({word[:n] for query in QUERIES for word in query.strip('"').split()[:1] for n in (3, 5)})
    for prefix in prefixes:
        timed_get(client, "/search/suggest/", {"q": prefix})
    timings = []
    for _ in range(passes):
        for prefix in prefixes:
            timings.append(timed_get(client, "/search/suggest/", {"q": prefix})[0])
    return timings


def index_is_current():
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    from news.models import ArticlePage

    content_type = ContentType.objects.get_for_model(ArticlePage)
    return IndexEntry.objects.filter(content_type=content_type).count() >= ArticlePage.objects.count()


def build_index(vacuum=True):
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("update_index", stdout=io.StringIO(), chunk_size=1000)
    elapsed = time.perf_counter() - started
    if vacuum and connection.vendor == "postgresql":
        # The rebuild rewrites every entry several times in one transaction;
        # until autovacuum gets to it, the planner sees stale statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE wagtailsearch_indexentry")
    return elapsed


def previous_results():
    return json.loads(RESULTS.read_text()).get("search") if RESULTS.exists() else None


def previous(key):
    return (previous_results() or {}).get(key)


def line(label, timings, **extra):
    fields = " ".join(f"{name}={value}" for name, value in extra.items())
    return f"{label} p50_ms={percentile(timings, 50):.1f} p95_ms={percentile(timings, 95):.1f} {fields}".strip()


def bench_osmem(client, settings, passes, articles):
    from osmem_server import OsmemServer

    from newsroom.settings.base import search_backends_from_env
    from search import backends

    server = OsmemServer.start(japanese=False)
    try:
        with server.clone() as clone:
            settings.WAGTAILSEARCH_BACKENDS = search_backends_from_env(
                {"SEARCH_URL": clone.url, "SEARCH_ENGINE": "opensearch", "SEARCH_TIMEOUT": "60"}
            )
            build_s = build_index(vacuum=False)
            print(f"index_build_s={build_s:.1f} articles={articles} backend=osmem", flush=True)
            settings.WAGTAILSEARCH_BACKENDS["default"]["TIMEOUT"] = 2
            from django.core.cache import cache

            cache.delete(backends.ENGINE_DOWN_KEY)
            search_ms, _counts = measure_search(client, passes)
            suggest_ms = measure_suggest(client, passes)
    finally:
        server.close()
    print(line("search", search_ms, queries=len(QUERIES), articles=articles, backend="osmem"))
    print(line("suggest", suggest_ms, target_p95_ms=SUGGEST_TARGET_MS, backend="osmem"))
    return {
        "osmem_index_build_s": round(build_s, 1),
        "osmem_search_p50_ms": round(percentile(search_ms, 50), 1),
        "osmem_search_p95_ms": round(percentile(search_ms, 95), 1),
        "osmem_suggest_p95_ms": round(percentile(suggest_ms, 95), 1),
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_under_load(env, seconds):
    """The search page under wrk against gunicorn, as ratios to the minimal view in the same run."""
    from pages import wrk

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.bench",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "NEWSROOM_BENCH_ENDPOINTS": "1",
    }
    manage("collectstatic", "--noinput", "-v0", env=server_env)
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    gunicorn = subprocess.Popen([*command, "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=server_env)
    results = {}
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/bench/minimal/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        paths = {"minimal view": "/bench/minimal/"}
        paths |= {f"search {query}": "/search/?" + urllib.parse.urlencode({"q": query}) for query in LOAD_QUERIES}
        for name, path in paths.items():
            urllib.request.urlopen(f"{base}{path}", timeout=60).read()  # warm
            measured = wrk(f"{base}{path}", seconds)
            measured["ratio"] = round(measured["rps"] / results["minimal view"]["rps"], 4) if results else 1.0
            results[name] = measured
            print(
                f"under load {name}: rps={measured['rps']} p50_ms={measured['p50_ms']} "
                f"p99_ms={measured['p99_ms']} ratio={measured['ratio']}",
                flush=True,
            )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    return results


def seed(env, articles):
    print(f"seeding up to {articles} articles (slow: first run only)...", flush=True)
    manage("seed_demo", "--articles", str(articles), env=env)
    subprocess.run(["psql", env["DATABASE_URL"], "-qc", "VACUUM ANALYZE"], check=True)
    manage("rebuild_search_words", env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the PostgreSQL index even if it is current")
    parser.add_argument("--osmem", action="store_true", help="also index into osmem-server and measure there")
    parser.add_argument("--passes", type=int, default=2, help="measured passes over the 50 queries")
    parser.add_argument("--articles", type=int, default=50000, help="seed the database up to this many articles")
    parser.add_argument("--load-seconds", type=int, default=5, help="wrk seconds per line under load (0: skip)")
    args = parser.parse_args()

    database = DATABASE or f"newsroom_bench{args.articles // 1000}k"
    ensure_database(database)
    # Rate limits are per address, and every request here comes from one.
    # The time budget is a safety valve, not what is measured here: on a shared machine it must not turn a
    # slow line into a failed run.
    env = bench_env(
        database,
        LOG_LEVEL="WARNING",
        SEARCH_RATE_LIMIT_PER_MINUTE="0",
        SUGGEST_RATE_LIMIT_PER_MINUTE="0",
        SEARCH_TIME_BUDGET_MS="30000",
    )
    env.pop("SEARCH_URL", None)
    manage("migrate", "--noinput", "-v0", env=env)
    out = subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", "select count(*) from news_articlepage"], capture_output=True, text=True
    )
    if int(out.stdout.strip() or 0) < args.articles:
        seed(env, args.articles)
    setup_django(env)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from news.models import ArticlePage

    # The test client then records each response's context, where the result count is.
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    articles = ArticlePage.objects.count()
    if not articles:
        raise SystemExit(f"{DATABASE} has no articles: run manage.py seed_demo --articles 50000 first")

    if args.rebuild or not index_is_current():
        build_s = build_index()
        print(f"index_build_s={build_s:.1f} articles={articles} backend=postgres", flush=True)
        # Kept at once: a later failure must not lose a measurement this slow to repeat.
        record("search", {**(previous_results() or {}), "index_build_s": round(build_s, 1), "articles": articles})
    else:
        build_s = previous("index_build_s")
        print(f"index_build_s={build_s} articles={articles} backend=postgres (index current: not rebuilt)")

    client = Client()
    search_ms, counts = measure_search(client, args.passes)
    print(line("search", search_ms, queries=len(QUERIES), articles=articles, backend="postgres"))
    print(f"search results per query: median={percentile(counts, 50)} max={max(counts)}")
    suggest_ms = measure_suggest(client, args.passes)
    suggest_p95 = percentile(suggest_ms, 95)
    print(line("suggest", suggest_ms, target_p95_ms=SUGGEST_TARGET_MS, backend="postgres"))

    results = {
        "articles": articles,
        "index_build_s": build_s if build_s is None else round(build_s, 1),
        "search_p50_ms": round(percentile(search_ms, 50), 1),
        "search_p95_ms": round(percentile(search_ms, 95), 1),
        "suggest_p50_ms": round(percentile(suggest_ms, 50), 1),
        "suggest_p95_ms": round(suggest_p95, 1),
    }
    if args.load_seconds:
        under_load = bench_under_load(env, args.load_seconds)
        results["under_load"] = under_load
    if args.osmem:
        results.update(bench_osmem(client, settings, args.passes, articles))
    record("search" if articles < 100_000 else f"search_{articles // 1000}k", results)
    return 0 if suggest_p95 < SUGGEST_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
