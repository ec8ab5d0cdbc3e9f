"""Scheduled-publishing lateness: 200 articles over three minutes, real Redis, worker and beat.

Prints p50, p99 and max lateness (actual publication time minus the
scheduled go-live time). Run by `make bench`, or alone:
`python bench/scheduling.py [--articles 200] [--window 180]`.
"""

import argparse
import datetime
import signal
import subprocess
import sys
import time

from common import ROOT, bench_env, ensure_database, manage, percentile, record, setup_django

DATABASE = "newsroom_bench_schedule"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--window", type=float, default=180.0, help="seconds over which go-live times are spread")
    args = parser.parse_args()

    ensure_database(DATABASE, fresh=True)
    env = bench_env(DATABASE, CELERY_QUEUE="bench-schedule", LOG_LEVEL="WARNING")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("bootstrap_site", "--no-superuser", env=env)
    setup_django(env)

    from django.core.cache import cache
    from django.utils import timezone
    from wagtail.models import Revision

    from home.models import HomePage
    from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
    from news.models import ArticlePage

    cache.clear()
    home = HomePage.objects.get()
    section = SectionPageFactory(parent=home, title="Embargoes")
    author = AuthorFactory(name="Bench Reporter")
    celery = [sys.executable, "-m", "celery", "-A", "newsroom"]
    worker = subprocess.Popen(
        [*celery, "worker", "-Q", "bench-schedule", "--concurrency=2", "--loglevel=WARNING", "-n", "bench@%h"],
        cwd=ROOT,
        env=env,
    )
    beat = subprocess.Popen(
        [*celery, "beat", "--loglevel=WARNING", "--pidfile=", "--schedule=/tmp/newsroom-bench-beat"], cwd=ROOT, env=env
    )
    try:
        time.sleep(5)  # worker and beat start-up
        start = timezone.now() + datetime.timedelta(seconds=20)
        step = args.window / max(1, args.articles - 1)
        due = {}
        for n in range(args.articles):
            article = ArticlePageFactory(parent=section, title=f"Embargoed story {n}", live=False, authors=[author])
            article.go_live_at = start + datetime.timedelta(seconds=n * step)
            revision = article.save_revision()
            revision.publish()  # schedules; the post-save signal arms the exact-time task
            due[article.pk] = Revision.objects.get(pk=revision.pk).approved_go_live_at
        print(f"scheduling: {args.articles} articles due between {start:%H:%M:%S} and +{args.window:.0f} s", flush=True)
        deadline = time.monotonic() + (start - timezone.now()).total_seconds() + args.window + 120
        while time.monotonic() < deadline:
            if ArticlePage.objects.filter(pk__in=due, live=True).count() == len(due):
                break
            time.sleep(1)
        published = dict(ArticlePage.objects.filter(pk__in=due, live=True).values_list("pk", "last_published_at"))
        lateness = [(published[pk] - due[pk]).total_seconds() for pk in published]
        missed = len(due) - len(published)
        early = sum(1 for value in lateness if value < 0)
        result = {
            "articles": len(due),
            "published": len(published),
            "missed": missed,
            "early": early,
            "p50_s": round(percentile(lateness, 50), 3),
            "p99_s": round(percentile(lateness, 99), 3),
            "max_s": round(max(lateness), 3) if lateness else None,
        }
        print(
            f"scheduled publishing: articles={result['articles']} published={result['published']} "
            f"missed={missed} early={early} p50_s={result['p50_s']} p99_s={result['p99_s']} max_s={result['max_s']}"
        )
        record("scheduled_publishing", result)
        return 0 if missed == 0 and early == 0 else 1
    finally:
        for process in (worker, beat):
            process.send_signal(signal.SIGTERM)
        for process in (worker, beat):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
