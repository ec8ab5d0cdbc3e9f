"""The view beacon on the embedded default: `manage.py runserver` (what `make run` serves), SQLite, no Redis.

Eight connections POST view beacons as distinct readers (a different address
and browser each time, through X-Forwarded-For), so every request goes the
whole way: rate limit, "already counted" mark, per-address cap, the count.
Measured beside the same server's minimal view. Prints
`embedded beacon: rps=<n> p50_ms=<n> p99_ms=<n> ratio=<rps / minimal rps> counted=<n> target_rps=100`
and checks that every accepted beacon reached the table.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from common import ROOT, record
from pages import wrk

PORT = 8124
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = 10
TARGET_RPS = 100
COUNTED = (
    "from django.db.models import Sum; from trending.models import ArticleViewHour; "
    "print(ArticleViewHour.objects.aggregate(n=Sum('views'))['n'] or 0)"
)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-beacon-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'newsroom.sqlite3'}",
        "NEWSROOM_VAR_DIR": str(workdir),
        "REDIS_URL": "",
        "NEWSROOM_BENCH_ENDPOINTS": "true",
        "TRUST_X_FORWARDED_FOR": "true",
        "VIEW_RATE_LIMIT_PER_MINUTE": "1000000",
        "PYTHONUNBUFFERED": "1",
    }

    def manage(*args, **kwargs):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)

    def shell(code):
        return manage("shell", "-v0", "-c", code, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    manage("createcachetable")
    manage("migrate", "--noinput", "-v0")
    manage("bootstrap_site", "--no-superuser", "-v0")
    manage("seed_demo", "--articles", "5", stdout=subprocess.DEVNULL)
    token = shell(
        "from news.models import ArticlePage; from trending.counting import view_token; "
        "print(view_token(ArticlePage.objects.live().first().pk))"
    )
    before = int(shell(COUNTED))
    script = workdir / "beacon.lua"
    script.write_text(
        textwrap.dedent(
            f"""
            local n = 0
            init = function(args)
              -- Each wrk thread has its own Lua state: seed each differently, or they send the same readers.
              math.randomseed(tonumber(tostring({{}}):match("0x(%x+)"), 16) % 2147483647)
            end
            request = function()
              n = n + 1
              local reader = math.random(1, 2000000000)
              local headers = {{}}
              headers["Content-Type"] = "text/plain;charset=UTF-8"
              headers["Sec-Fetch-Site"] = "same-origin"
              local b = math.floor(reader / 250) % 250
              headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", reader % 250, b, n % 250)
              local agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36"
              headers["User-Agent"] = agent .. " r" .. reader
              return wrk.format("POST", "/api/views/", headers, "{token}")
            end
            """
        )
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "server.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/bench/minimal/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        minimal = wrk(f"{BASE}/bench/minimal/", SECONDS)
        beacon = wrk(f"{BASE}/api/views/", SECONDS, script=str(script))
    finally:
        if os.environ.get("BENCH_KEEP"):
            input("server up; enter to stop")
        server.terminate()
        server.wait(10)
    counted = int(shell(COUNTED)) - before
    accepted = round(beacon["rps"] * SECONDS)
    ratio = beacon["rps"] / minimal["rps"] if minimal["rps"] else 0
    print(
        f"embedded beacon: rps={beacon['rps']} p50_ms={beacon['p50_ms']} p99_ms={beacon['p99_ms']} "
        f"ratio={ratio:.4f} counted={counted} errors={beacon['errors']} target_rps={TARGET_RPS}"
    )
    print(f"embedded beacon: server log {workdir / 'server.log'}")
    print(f"embedded minimal view: rps={minimal['rps']} p50_ms={minimal['p50_ms']}")
    record(
        "embedded beacon",
        {"beacon": beacon, "minimal": minimal, "ratio": round(ratio, 4), "counted": counted, "target_rps": TARGET_RPS},
    )
    # Every answered beacon was a new reader: each must be in the table (wrk's count is approximate by a few).
    if beacon["errors"] or abs(counted - accepted) > max(20, accepted * 0.05):
        print(f"embedded beacon: {beacon['errors']} errors; counted {counted} of ~{accepted} beacons", file=sys.stderr)
        return 1
    return 0 if beacon["rps"] >= TARGET_RPS else 1


if __name__ == "__main__":
    sys.exit(main())
