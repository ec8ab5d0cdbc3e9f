"""Real Varnish (deploy/varnish/default.vcl) and gunicorn processes: tests/test_varnish.py, bench/edge_bench.py.

Every server binds a port found free at run time, and is stopped by whoever started it.
"""

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_for(backend_host, backend_port):
    """Our VCL as it is, with only the backend's address replaced."""
    text = VCL.read_text()
    text, hosts = re.subn(r'\.host = "web";', f'.host = "{backend_host}";', text)
    text, ports = re.subn(r'\.port = "8000";', f'.port = "{backend_port}";', text)
    if not hosts or hosts != ports:
        raise RuntimeError("deploy/varnish/default.vcl: the backend block changed; update tests/edge_servers.py")
    return text


def wait_for_port(port, timeout=30, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text() if log else ''}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def stop(process, timeout=15):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Varnish:
    """`varnishd -F` with our VCL in front of `backend_port`; `url` is where readers go."""

    def __init__(self, backend_port, backend_host="127.0.0.1", storage="malloc,64m", params=()):
        # Its own directory, readable by the user varnishd drops to when started as root
        # (pytest's tmp_path is private to us).
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.workdir.chmod(0o755)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        vcl = self.workdir / "default.vcl"
        vcl.write_text(vcl_for(backend_host, backend_port))
        vcl.chmod(0o644)
        self.log = self.workdir / "varnishd.log"
        command = [VARNISHD, "-F", "-n", str(self.workdir / "n"), "-a", f"127.0.0.1:{self.port}"]
        command += ["-f", str(vcl), "-T", "none", "-s", storage]
        for param in params:
            command += ["-p", param]
        self.process = subprocess.Popen(command, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        wait_for_port(self.port, process=self.process, log=self.log)
        self.varnishlog = None
        if os.environ.get("NEWSROOM_VARNISHLOG"):
            # Debugging: every transaction, grouped by request, to that file.
            target = os.environ["NEWSROOM_VARNISHLOG"]
            self.varnishlog = subprocess.Popen(
                ["varnishlog", "-n", str(self.workdir / "n"), "-g", "request", "-a", "-w", target]
            )

    def stop(self):
        stop(self.varnishlog)
        stop(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)


class Gunicorn:
    """`gunicorn newsroom.wsgi` on a free port, its access log (one line per request: the path) to count renders."""

    def __init__(self, workdir, env, workers=1, threads=4):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.workdir / "access.log"
        self.access_log.write_text("")
        self.log = self.workdir / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(workers), "--threads", str(threads), "--access-logfile", str(self.access_log)]
        command += ["--access-logformat", "%(r)s %(s)s"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        wait_for_port(self.port, timeout=60, process=self.process, log=self.log)

    def requests(self, path=None):
        """Requests the backend served (method, path with query), optionally only for `path`."""
        lines = [line.split(" ") for line in self.access_log.read_text().splitlines() if line.strip()]
        seen = [(parts[0], parts[1]) for parts in lines if len(parts) >= 2]
        if path is not None:
            seen = [item for item in seen if item[1] == path]
        return seen

    def stop(self):
        stop(self.process)


def get(url, headers=None, timeout=30, source_address=None):
    """(status, headers, body) of a GET; errors are answers too."""
    return _raw(url, "GET", headers or {}, source_address, timeout)


def _raw(url, method, headers, source_address, timeout):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source_address, 0) if source_address else None
    )
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, response.headers, body
    finally:
        connection.close()


def request(url, method, headers=None, source_address=None, timeout=10):
    """Any method (PURGE, BAN), optionally from another loopback address (127.0.0.2)."""
    return _raw(url, method, headers or {}, source_address, timeout)
