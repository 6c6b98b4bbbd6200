"""Speed of the portal's sections against a trivial view, on the same server, same load.

    .venv/bin/python bench/portal.py [--seconds 5] [--concurrency 8] [--check]

Starts gunicorn (2 sync workers, production settings, loopback only) on a throw-away SQLite
database (or DATABASE_URL), creates a participant with 300 participations, 640 course
documents and 300 certificates, and sends the same logged-in load to the trivial view and to
each section: Python threads, one connection per request (gunicorn's sync workers close it),
or `wrk` if it is installed. Prints requests per second and the ratio to the trivial view;
with --check exits 1 if a section reaches less than a tenth of the trivial view.
"""

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TARGET = 0.10
PATHS = [
    ("trivial view", "/bench/trivial/"),
    ("Startseite", "/portal/"),
    ("Meine Teilnahmen", "/portal/teilnahmen/"),
    ("Meine Veranstaltungsunterlagen", "/portal/unterlagen/"),
    ("Meine Dokumente", "/portal/dokumente/"),
    ("Meine Daten", "/portal/daten/"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(var_dir: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.portal_settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": var_dir,
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    return env


def gunicorn_start(env: dict, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers on the loopback ``port``."""
    return subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _load_threads(port, path, cookie, seconds, concurrency) -> float:
    stop = time.monotonic() + seconds
    counts = [0] * concurrency
    errors: list[int] = []

    def worker(i):
        while time.monotonic() < stop:
            status = _get(port, path, cookie)
            if status != 200:
                errors.append(status)
                return
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path} answered {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def _load_wrk(port, path, cookie, seconds, concurrency) -> float:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{concurrency}",
            f"-d{int(seconds)}s",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    for line in result.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise SystemExit(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per URL")
    parser.add_argument("--no-wrk", action="store_true", help="use Python threads")
    parser.add_argument("--check", action="store_true", help="exit 1 below the target")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="kundenportal-bench-")
    env = _env(var_dir)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    setup = subprocess.run(
        [PY, "bench/portal_setup.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    cookie_name = "__Host-sessionid"
    cookie = f"{cookie_name}={setup.stdout.strip().splitlines()[-1]}"
    port = _free_port()
    server = gunicorn_start(env, port)
    use_wrk = shutil.which("wrk") and not args.no_wrk
    load = _load_wrk if use_wrk else _load_threads
    try:
        for _ in range(100):
            try:
                if _get(port, "/bench/trivial/", cookie) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        for _, path in PATHS:  # warm caches and sessions in both workers
            for _ in range(10):
                assert _get(port, path, cookie) == 200, path
        results = {path: [] for _, path in PATHS}
        for _ in range(args.rounds):
            for _, path in PATHS:
                results[path].append(load(port, path, cookie, args.seconds, args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)

    rates = {path: max(values) for path, values in results.items()}
    trivial = rates["/bench/trivial/"]
    print(
        f"load: {'wrk' if use_wrk else 'Python threads'}, {args.concurrency} connections, "
        f"{args.rounds} x {args.seconds:g} s per URL, gunicorn -w 2, "
        f"database {os.environ.get('DATABASE_URL', 'SQLite')}"
    )
    print(f"{'URL':34} {'req/s':>9} {'ratio':>7}")
    failed = False
    for label, path in PATHS:
        ratio = rates[path] / trivial
        mark = "" if path == "/bench/trivial/" or ratio >= TARGET else "  < 1/10"
        failed |= bool(mark)
        print(f"{label:34} {rates[path]:9.1f} {ratio:7.1%}{mark}")
    return 1 if (failed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
