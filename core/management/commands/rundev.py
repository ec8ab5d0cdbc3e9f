"""Serve the site with a Celery worker and beat beside it; Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run runserver, a Celery worker and Celery beat in one terminal (development only)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        bindir = os.path.dirname(sys.executable)
        celery = os.path.join(bindir, "celery")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        beat_pidfile = settings.VAR_DIR / "celerybeat.pid"
        commands = {
            "web": [sys.executable, "manage.py", "runserver", addrport],
            "worker": [celery, "-A", "newsroom", "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [celery, "-A", "newsroom", "beat", "--loglevel=INFO", f"--pidfile={beat_pidfile}"],
        }
        if beat_pidfile.exists():
            # A stale pidfile from a killed run would stop beat from starting.
            beat_pidfile.unlink()
        processes = {name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR) for name, cmd in commands.items()}
        self.stdout.write(
            f"Serving http://{addrport}/ and http://{addrport}/admin/ with a worker and beat. Ctrl-C stops all."
        )
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with status {process.returncode}; stopping the others.")
                        raise KeyboardInterrupt
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
