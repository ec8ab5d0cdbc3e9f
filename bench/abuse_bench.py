"""How much one client can count: views, impressions and clicks from one address rotating its user agent.

Replays the review's attacks in-process (Django's test client) for a fixed
time against each counting path: PostgreSQL + Redis (`--redis`) and the
embedded default (SQLite, no Redis). Prints, per attack,
`<path> <attack>: requests=<n> seconds=<s> counted=<n> invalid=<n>`
and records them in bench/results/latest.json. Counted figures should stay
at the caps (README, "Counting"), however long the attack runs.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, ensure_database, record

SECONDS = 20
AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"


def attack(client, seconds, send):
    requests, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        send(client, requests)
        requests += 1
    return requests, time.monotonic() - started


def run(path):
    import django

    django.setup()
    from django.db.models import Sum
    from django.test import Client

    from ads import counting as ad_counting
    from ads import selection, tokens
    from ads.models import AdDailyStat
    from core import counters
    from news.models import ArticlePage
    from trending import counting
    from trending.models import ArticleViewHour

    article = ArticlePage.objects.live().order_by("pk").first()
    creative = next(c for c in selection.build_catalogue()["creatives"].values() if c["kind"] == "image")
    slot_id = selection.build_catalogue()["slots"][next(iter(creative["slot_keys"]))]["id"]
    ref = tokens.AdRef(creative["id"], slot_id, article.pk, 0)
    view_token, impression_token, click_token = (
        counting.view_token(article.pk),
        tokens.impression_token(ref),
        tokens.click_token(ref),
    )

    def views():
        rows = ArticleViewHour.objects.filter(article_id=article.pk).aggregate(v=Sum("views"), i=Sum("invalid_views"))
        valid, invalid = rows["v"] or 0, rows["i"] or 0
        for (_, key), amount in counters.pending(counting.STREAM).items():
            valid += amount if key == str(article.pk) else 0
            invalid += amount if key == f"invalid:{article.pk}" else 0
        return valid, invalid

    def ads(kind):
        column = ad_counting.COLUMNS[kind]
        rows = AdDailyStat.objects.filter(creative_id=ref.creative_id, slot_id=ref.slot_id)
        total = rows.aggregate(n=Sum(column))["n"] or 0
        return total + sum(
            a for (_, c, s, k), a in ad_counting.pending().items() if (c, s, k) == (ref.creative_id, ref.slot_id, kind)
        )

    attacks = {
        "views": (
            lambda c, n: c.post("/api/views/", view_token, "text/plain", HTTP_USER_AGENT=f"{AGENT} r{n}"),
            views,
        ),
        "impressions": (
            lambda c, n: c.post("/ads/i/", impression_token, "text/plain", HTTP_USER_AGENT=f"{AGENT} r{n}"),
            lambda: (ads(ad_counting.IMPRESSION), ads(ad_counting.INVALID_IMPRESSION)),
        ),
        "clicks": (
            lambda c, n: c.get(f"/ads/c/{click_token}/", HTTP_USER_AGENT=f"{AGENT} r{n}"),
            lambda: (ads(ad_counting.CLICK), ads(ad_counting.INVALID_CLICK)),
        ),
        "cross-site views": (
            lambda c, n: c.post(
                "/api/views/",
                view_token,
                "text/plain",
                HTTP_USER_AGENT=f"{AGENT} x{n}",
                HTTP_SEC_FETCH_SITE="cross-site",
            ),
            views,
        ),
    }
    results = {}
    for number, (name, (send, counted)) in enumerate(attacks.items()):
        # One address per attack, so one attack's rate limit does not blunt the next.
        client = Client(REMOTE_ADDR=f"203.0.113.{number + 1}")
        before = counted()
        requests, seconds = attack(client, SECONDS if name != "cross-site views" else 2, send)
        after = counted()
        valid, invalid = after[0] - before[0], after[1] - before[1]
        results[name] = {"requests": requests, "seconds": round(seconds, 1), "counted": valid, "invalid": invalid}
        print(
            f"{path} {name}: requests={requests} seconds={seconds:.1f} counted={valid} invalid={invalid}",
            flush=True,
        )
    record(f"abuse {path}", results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", choices=["redis", "embedded"], help="run one path (internal)")
    args = parser.parse_args()
    if args.path:
        sys.path.insert(0, str(ROOT))
        run(args.path)
        return 0
    failures = 0
    for path in ("redis", "embedded"):
        workdir = Path(tempfile.mkdtemp(prefix="newsroom-abuse-"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
            "NEWSROOM_VAR_DIR": str(workdir),
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "ERROR",
        }
        if path == "redis":
            ensure_database("newsroom_abuse", fresh=True)
            env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/newsroom_abuse"
            env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
            subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=True, capture_output=True)
        else:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'newsroom.sqlite3'}"
            env["REDIS_URL"] = ""
        for command in (["createcachetable"], ["migrate", "-v0"], ["bootstrap_site", "--no-superuser", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--articles", "5"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        failures += subprocess.run([sys.executable, __file__, "--path", path], env=env).returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
