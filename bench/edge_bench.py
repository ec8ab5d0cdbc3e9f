"""The edge: pages through Varnish (deploy/varnish/default.vcl), nginx's static ceiling, a news spike, an outage.

One gunicorn (2 sync workers, production settings, Redis), Varnish in front of it and
nginx serving a static copy of the article, all on ports found free at run time, and
wrk on loopback. Lines:

    minimal view: rps=...                          Django's ceiling, straight to gunicorn
    <page> edge: rps= p50_ms= p99_ms= ratio=       through Varnish (ratio: to the minimal view)
    static file (nginx): rps= p50_ms= p99_ms= ratio=
    spike: connections=200 seconds=10 backend_renders= errors= p99_ms=
    outage drill: gunicorn_stopped_s= served_200= errors= uncached_status=
    database outage drill: postgres_stopped_s= served_200= errors= uncached_status= recovered_status=

The spike publishes a story (its purge goes to Varnish, as in production) and sends
200 connections at its URL: concurrent misses wait for one backend request.
The outage drill stops gunicorn and asks for cached pages for --outage-seconds
(60 in `make bench`): pages are stale after PAGE_S_MAXAGE (10 s here) and are then
served in Varnish's long grace.

The database outage drill never touches the machine's shared PostgreSQL: it initdb's a
private, throwaway cluster (Debian's binaries, trust auth, a free port, its socket in
its own temporary directory; as the `postgres` user when we are root), seeds a small
site into it, and puts its own gunicorn and Varnish in front. Cached pages are warmed,
the cluster is stopped with `pg_ctl stop -m immediate`, and for --database-outage-seconds
(30) the cached pages must answer 200 through Varnish while an uncached article gets our
503 page (templates/503.html, core/errors.py). The cluster is then started again and a
fresh, uncached article must answer 200. The cluster and its directory are always
removed. --only-database-drill runs just this drill.
"""

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_env, ensure_database, manage, record, setup_django

sys.path.insert(0, str(ROOT))
from tests.edge_servers import Gunicorn, Varnish, free_port, get, stop, wait_for_port  # noqa: E402

DATABASE = "newsroom_bench_edge"
DRILL_DATABASE = "newsroom_bench_edge_drill"
HOST = "localhost"  # the seeded Site's hostname: purges carry it, so readers do too
NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    default_type text/html;
    # Precompressed, as Varnish stores it: the ceiling is serving bytes, not compressing them.
    gzip_static on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def wrk(url, seconds, connections=8, headers=()):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(latency(50), 2),
        "p99_ms": round(latency(99), 2),
        "requests": int(requests.group(1)) if requests else 0,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


READER = ("Host: " + HOST, "Accept-Encoding: gzip")


def line(name, measured):
    fields = " ".join(f"{key}={measured[key]}" for key in ("rps", "p50_ms", "p99_ms", "ratio") if key in measured)
    print(f"{name}: {fields}", flush=True)


def main():
    for tool in ("wrk", "varnishd", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            package = tool.replace("varnishd", "varnish")
            print(f"edge: {tool} is not installed (apt-get install {package})", file=sys.stderr)
            return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--spike-seconds", type=int, default=10)
    parser.add_argument("--spike-connections", type=int, default=200)
    parser.add_argument("--outage-seconds", type=int, default=60)
    parser.add_argument("--database-outage-seconds", type=int, default=30)
    parser.add_argument("--drill-articles", type=int, default=20, help="articles seeded into the private cluster")
    parser.add_argument("--only-database-drill", action="store_true", help="run only the database outage drill")
    args = parser.parse_args()

    env = bench_env(
        DATABASE,
        DJANGO_SETTINGS_MODULE="newsroom.settings.bench",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        NEWSROOM_BENCH_ENDPOINTS="1",
        REDIS_URL=os.environ.get("BENCH_EDGE_REDIS_URL", "redis://127.0.0.1:6379/13"),
        # Stale after 10 s, so the outage drill is served in grace, not from fresh copies.
        PAGE_S_MAXAGE="10",
        LOG_LEVEL="WARNING",
    )
    if args.only_database_drill:
        record("edge database outage", database_outage(args, env))
        return 0
    created = ensure_database(DATABASE)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    if created or not _has_articles(env, args.articles):
        print(f"edge: seeding {args.articles} articles (first run only)...", flush=True)
        manage("seed_demo", "--articles", str(args.articles), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-edge-bench-"))
    workdir.chmod(0o755)
    gunicorn = Gunicorn(workdir / "gunicorn", env, workers=2, threads=1)
    varnish = Varnish(gunicorn.port)
    env["FRONTEND_CACHE_VARNISH_URLS"] = varnish.url
    setup_django(env)

    from django.core.cache import caches

    from news.models import ArticlePage, SectionPage

    for alias in ("pages", "fragments"):
        caches[alias].clear()
    section = max(SectionPage.objects.live().filter(depth=3), key=lambda s: s.get_articles().count())
    article = ArticlePage.objects.listing().first()
    paths = {"home": "/", "section": section.url, "article": article.url}

    nginx = None
    results = {}
    try:
        minimal = wrk(f"{gunicorn.url}/bench/minimal/", args.seconds)
        results["minimal view"] = {**minimal, "ratio": 1.0}
        line("minimal view", results["minimal view"])
        for name, path in paths.items():
            for _ in range(2):
                get(varnish.url + path, dict(h.split(": ", 1) for h in READER))
            measured = wrk(varnish.url + path, args.seconds, headers=READER)
            measured["ratio"] = round(measured["rps"] / minimal["rps"], 2)
            results[f"{name} edge"] = measured
            line(f"{name} edge", measured)

        # nginx: the article's HTML as a file, the physical limit of this machine.
        www = workdir / "nginx" / "www"
        (www / article.url.strip("/")).mkdir(parents=True)
        (workdir / "nginx" / "tmp").mkdir()
        _, _, body = get(varnish.url + article.url, {"Host": HOST})
        (www / article.url.strip("/") / "index.html").write_bytes(body)
        (www / article.url.strip("/") / "index.html.gz").write_bytes(gzip.compress(body))
        for folder in (workdir / "nginx", *www.rglob("*"), www):
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        nginx_port = free_port()
        conf = workdir / "nginx" / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=workdir / "nginx", port=nginx_port))
        nginx = subprocess.Popen(
            ["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=(workdir / "nginx" / "stderr").open("w")
        )
        wait_for_port(nginx_port, process=nginx)
        static = wrk(f"http://127.0.0.1:{nginx_port}{article.url}", args.seconds, headers=READER)
        static["ratio"] = round(static["rps"] / minimal["rps"], 2)
        results["static file (nginx)"] = static
        line("static file (nginx)", static)
        edge_best = max(results[f"{name} edge"]["rps"] for name in paths)
        article_share = results["article edge"]["rps"] / static["rps"]
        print(f"edge vs nginx: article={article_share:.2f} best={edge_best / static['rps']:.2f}")

        results["spike"] = spike(args, gunicorn, varnish, section)
        results["outage drill"] = outage(args, gunicorn, varnish, paths)
    finally:
        stop(nginx)
        varnish.stop()
        gunicorn.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    record("edge", results)
    record("edge database outage", database_outage(args, env))
    return 0


def spike(args, gunicorn, varnish, section):
    """A story published now, then 200 connections on its URL through Varnish."""
    from news.factories import ArticlePageFactory

    story = ArticlePageFactory(parent=section, title=f"Breaking: bench story {time.time_ns()}")
    story.save_revision().publish()  # purges at commit (autocommit here), Varnish included
    url = story.url
    measured = wrk(varnish.url + url, args.spike_seconds, connections=args.spike_connections, headers=READER)
    time.sleep(1)  # the access log is written after each answer
    renders = len(gunicorn.requests(url))
    result = {
        "connections": args.spike_connections,
        "seconds": args.spike_seconds,
        "backend_renders": renders,
        "errors": measured["errors"],
        "requests": measured["requests"],
        "rps": measured["rps"],
        "p99_ms": measured["p99_ms"],
    }
    print(
        f"spike: connections={args.spike_connections} seconds={args.spike_seconds} backend_renders={renders} "
        f"errors={measured['errors']} requests={measured['requests']} p99_ms={measured['p99_ms']}",
        flush=True,
    )
    return result


def outage(args, gunicorn, varnish, paths):
    """Stop gunicorn; cached pages must keep answering 200 from Varnish for --outage-seconds."""
    headers = {"Host": HOST, "Accept-Encoding": "gzip"}
    for path in paths.values():
        get(varnish.url + path, headers)
    gunicorn.stop()
    stopped = time.monotonic()
    ok = errors = 0
    first_error = None
    while time.monotonic() - stopped < args.outage_seconds:
        for path in paths.values():
            status, _, _ = get(varnish.url + path, headers)
            if status == 200:
                ok += 1
            else:
                errors += 1
                first_error = first_error or round(time.monotonic() - stopped, 1)
        time.sleep(0.5)
    served = round(time.monotonic() - stopped, 1)
    uncached, _, _ = get(varnish.url + "/never-cached-page/", headers)
    print(
        f"outage drill: gunicorn_stopped_s={served} served_200={ok} errors={errors} "
        f"first_error_s={first_error} uncached_status={uncached} stale_after_s=10",
        flush=True,
    )
    return {
        "gunicorn_stopped_s": served,
        "served_200": ok,
        "errors": errors,
        "first_error_s": first_error,
        "uncached_status": uncached,
    }


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary directory, on a free port: ours to stop.

    initdb refuses to run as root, so as root every command runs as the `postgres` user,
    who owns the directory.
    """

    def __init__(self):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if not versions:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = versions[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-drill-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.initialised = False

    def _run(self, tool, *args):
        command = [*self.as_user, str(self.bin / tool), *args]
        out = subprocess.run(command, cwd=self.dir, capture_output=True, text=True)
        if out.returncode:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {out.stdout}{out.stderr}{log[-2000:]}")

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        if not self.initialised:
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
            self.initialised = True
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode="immediate"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self):
        if self.initialised and (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except RuntimeError as error:
                print(f"database outage drill: {error}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)


# Run in the drill's site: its caches emptied, then the pages the drill asks for as JSON.
DRILL_PATHS = """
import json
from django.core.cache import caches
from news.models import ArticlePage, SectionPage
for alias in ("pages", "fragments"):
    caches[alias].clear()
section = max(SectionPage.objects.live().filter(depth=3), key=lambda s: s.get_articles().count())
articles = [a.url for a in ArticlePage.objects.listing()[:3]]
print(json.dumps({"home": "/", "section": section.url, "articles": articles}))
"""


def database_outage(args, base_env):
    """A private cluster stopped under the site: cached pages serve, an uncached one gets our 503 page."""
    import json

    import psycopg

    cluster = PrivatePostgres()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-drill-"))
    workdir.chmod(0o755)
    gunicorn = varnish = None
    try:
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DRILL_DATABASE}"')
        env = {
            **base_env,
            "DATABASE_URL": cluster.url(DRILL_DATABASE),
            # Its own Redis database: the pages cached by the rest of the bench are not this site's.
            "REDIS_URL": os.environ.get("BENCH_EDGE_DRILL_REDIS_URL", "redis://127.0.0.1:6379/14"),
        }
        env.pop("REDIS_CACHE_URL", None)
        env.pop("FRONTEND_CACHE_VARNISH_URLS", None)
        print(f"database outage drill: seeding {args.drill_articles} articles into a private cluster...", flush=True)
        manage("migrate", "--noinput", "-v0", env=env)
        manage("createcachetable", env=env)
        manage("collectstatic", "--noinput", "-v0", env=env)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--articles", str(args.drill_articles)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", DRILL_PATHS],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        found = json.loads(out.stdout.strip().splitlines()[-1])
        warm_article, uncached_path, fresh_path = found["articles"]
        cached = [found["home"], found["section"], warm_article]

        gunicorn = Gunicorn(workdir / "gunicorn", env, workers=2, threads=1)
        varnish = Varnish(gunicorn.port)
        headers = {"Host": HOST, "Accept-Encoding": "gzip"}
        for path in cached:
            for _ in range(2):
                status, _, _ = get(varnish.url + path, headers)
                if status != 200:
                    log = gunicorn.log.read_text()[-3000:]
                    raise RuntimeError(f"database outage drill: warming {path} answered {status}\n{log}")

        cluster.stop("immediate")
        stopped = time.monotonic()
        ok = errors = 0
        while time.monotonic() - stopped < args.database_outage_seconds:
            for path in cached:
                status, _, _ = get(varnish.url + path, headers)
                if status == 200:
                    ok += 1
                else:
                    errors += 1
            time.sleep(0.5)
        uncached, _, body = get(varnish.url + uncached_path, headers)
        our_page = b"<title>Back in a moment | Newsroom</title>" in body
        postgres_stopped = round(time.monotonic() - stopped, 1)

        cluster.start()
        started = time.monotonic()
        recovered = None
        while time.monotonic() - started < 60:
            recovered, _, _ = get(varnish.url + fresh_path, headers)
            if recovered == 200:
                break
            time.sleep(1)
        recovered_s = round(time.monotonic() - started, 1)
        print(
            f"database outage drill: postgres_stopped_s={postgres_stopped} served_200={ok} errors={errors} "
            f"uncached_status={uncached} recovered_status={recovered} "
            f"uncached_our_503_page={'yes' if our_page else 'no'} recovered_s={recovered_s}",
            flush=True,
        )
        return {
            "postgres_stopped_s": postgres_stopped,
            "served_200": ok,
            "errors": errors,
            "uncached_status": uncached,
            "uncached_our_503_page": our_page,
            "recovered_status": recovered,
            "recovered_s": recovered_s,
        }
    finally:
        if varnish is not None:
            varnish.stop()
        if gunicorn is not None:
            gunicorn.stop()
        cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


def _has_articles(env, wanted):
    out = subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", "select count(*) from news_articlepage"], capture_output=True, text=True
    )
    return out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) >= wanted


if __name__ == "__main__":
    sys.exit(main())
