"""Comments: an article with 200 comments beside the same kind of article with none, cached and uncached, and
the posting endpoint. gunicorn (2 sync workers, production settings, Redis) on a free port, wrk on loopback.

Prints
`plain article <cached|uncached>: rps=… ratio=1.0`,
`article with 200 comments <cached|uncached>: rps=… ratio=<rps / plain article's rps in the same mode>`,
`comment post: rps=… ratio=<rps / minimal view rps>`
and records them in bench/results/latest.json. Goal (issue 17): cached ratio ≈ 1, uncached ≥ 0.9.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from common import ROOT, bench_env, ensure_database, manage, record, setup_django
from pages import _request, wrk

DATABASE = "newsroom_bench_comments"
BYPASS = "bench-bypass-token"
COMMENTS = 200


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per measurement")
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
        # One wrk client is one address: the limits would answer 429 after a handful.
        COMMENTS_PER_ADDRESS_MINUTE="100000000",
        COMMENTS_PER_EMAIL_HOUR="100000000",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", "-v0", env=env)
    manage("createcachetable", env=env)
    if created:
        print("comments: seeding 30 articles (first run only)...", flush=True)
        manage("seed_demo", "--articles", "30", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    setup_django(env)

    from django.core.cache import caches

    from comments import posting
    from comments.models import Comment, CommentPolicy, CommentSettings
    from news.models import ArticlePage

    for alias in ("pages", "fragments", "default"):
        caches[alias].clear()
    # Two stories of the same kind and length: one without comments, one with 200 (a tenth of them replies).
    bare = list(ArticlePage.objects.live().filter(comments__isnull=True).order_by("pk")[:2])
    plain, busy = bare[0], bare[1]
    CommentPolicy.objects.filter(page=busy).delete()
    # The demo's stories may be older than the default 30 days after which comments close.
    site_settings = CommentSettings.for_site(busy.get_site())
    site_settings.close_after_days = 0
    site_settings.save()
    if Comment.objects.filter(article=busy).count() != COMMENTS:
        Comment.objects.filter(article=busy).delete()
        tops = Comment.objects.bulk_create(
            Comment(
                article=busy,
                name=f"Reader {n}",
                email=f"reader{n}@example.com",
                body=f"Comment {n}: a paragraph of a reader's view, with a link https://example.com/{n}.\n\nAnd more.",
                status="approved",
            )
            for n in range(COMMENTS - COMMENTS // 10)
        )
        Comment.objects.bulk_create(
            Comment(article=busy, parent=top, name="Replier", email="re@example.com", body="Reply.", status="approved")
            for top in tops[: COMMENTS // 10]
        )
    token = posting.form_token(busy.pk, now=time.time() - 60)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    # Each request a new comment from a new address (form fields only; the token is signed for this story).
    script.write(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["Accept"] = "application/json"\n'
        'wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux) Chrome/130.0"\n'
        # wrk's threads share one random seed: the thread number keeps their comments apart (else duplicates).
        "local threads = 0\n"
        "function setup(thread) threads = threads + 1; thread:set('tid', threads) end\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local id = tostring(tid) .. '-' .. n\n"
        f"  wrk.body = 'name=Bench&email=b' .. id .. '%40example.com&body=Comment+' .. id .. '&token={token}'\n"
        "  return wrk.format()\n"
        "end\n"
    )
    script.close()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    results = {}
    try:
        wait_for(f"{base}/bench/minimal/")
        import urllib.error
        import urllib.request

        wrk(f"{base}/bench/minimal/", 1)  # warm both workers
        minimal = wrk(f"{base}/bench/minimal/", args.seconds)
        for mode in ("cached", "uncached"):
            headers = [f"X-Newsroom-Bypass-Cache: {BYPASS}"] if mode == "uncached" else []
            measured = {}
            for name, article in (("plain article", plain), (f"article with {COMMENTS} comments", busy)):
                url = f"{base}{article.url}"
                body = urllib.request.urlopen(_request(url, headers)).read().decode()
                if article is busy:
                    shown = body.count('<article id="comment-')
                    assert shown == COMMENTS, f"the busy article shows {shown} comments"
                wrk(url, 1, headers=headers)  # warm
                measured[name] = wrk(url, args.seconds, headers=headers)
            baseline = measured["plain article"]["rps"]
            for name, figures in measured.items():
                figures["ratio"] = round(figures["rps"] / baseline, 3)
                results[f"{name} {mode}"] = figures
                print(
                    f"{name} {mode}: rps={figures['rps']} p50_ms={figures['p50_ms']} p99_ms={figures['p99_ms']} "
                    f"ratio={figures['ratio']}",
                    flush=True,
                )
        # One post by hand first: a refusal here (closed story, bad token) would make the figure meaningless.
        probe = urllib.request.Request(
            f"{base}/api/comments/{busy.pk}/",
            data=f"name=Probe&email=probe%40example.com&body=Probe+comment&token={token}".encode(),
            headers={"Accept": "application/json", "User-Agent": "Mozilla/5.0 (X11; Linux) Chrome/130.0"},
        )
        try:
            urllib.request.urlopen(probe).read()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"comment post refused: {error.code} {error.read().decode()}") from None
        before = Comment.objects.count()
        post = wrk(f"{base}/api/comments/{busy.pk}/", args.seconds, connections=4, script=script.name)
        stored = Comment.objects.count() - before
        post["ratio"] = round(post["rps"] / minimal["rps"], 4)
        post["stored"] = stored
        results["comment post"] = post
        print(
            f"comment post: rps={post['rps']} p50_ms={post['p50_ms']} p99_ms={post['p99_ms']} "
            f"ratio={post['ratio']} stored={stored} errors={post['errors']}",
            flush=True,
        )
        # Leave the story as it was measured: the posted comments are pending, never shown, but counted above.
        Comment.objects.filter(article=busy, name__in=["Bench", "Probe"]).delete()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        os.unlink(script.name)
    record("comments", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
