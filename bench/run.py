"""`make bench`: every benchmark, in one run, on PostgreSQL and Redis (see README, "Benchmarks").

Each part prints its own lines and records them in bench/results/latest.json.
A part whose script is missing or fails is reported and the run goes on, so
one broken benchmark never hides the others' figures.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = [
    ("pages", ["pages.py"]),
    ("trending", ["trending_bench.py"]),
    ("embedded beacon", ["beacon_embedded.py"]),
    ("one client, many readers", ["abuse_bench.py"]),
    ("search", ["search_bench.py", "--osmem"]),
    # How search's cost grows: the same lines at 200,000 articles (seeded on the first run: slow).
    ("search at 200,000 articles", ["search_bench.py", "--articles", "200000"]),
    ("scheduled publishing", ["scheduling.py"]),
    # 1,000 posts: the import runs at about 1 post/s today (Wagtail's add, revision and publish per
    # post), so the 10,000 would add hours to every run; `python wordpress_bench.py` alone
    # measures 10,000.
    ("wordpress import", ["wordpress_bench.py", "--posts", "1000"]),
    # Varnish in front, nginx's static ceiling, the breaking-news spike and the outage drill.
    ("edge", ["edge_bench.py"]),
    ("comments", ["comments_bench.py"]),
]


def main():
    failures = []
    for name, command in PARTS:
        script = HERE / command[0]
        if not script.exists():
            print(f"== {name}: skipped ({command[0]} not present)")
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, *command], cwd=HERE)
        print(f"== {name}: {'ok' if result.returncode == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s")
        if result.returncode:
            failures.append(name)
    print(f"results: {HERE / 'results' / 'latest.json'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
