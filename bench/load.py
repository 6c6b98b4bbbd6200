"""Load test of the public pages and the portal on PostgreSQL, small and large database.

    .venv/bin/python bench/load.py [--persons 200000] [--rounds 3] [--seconds 2] [--concurrency 8]

For each database size (``seed_large --persons 200``, the demo size, and ``--persons N``) it
creates, migrates and seeds the PostgreSQL database ``bench_load_<persons>`` (kept and reused
by later runs; 200,000 persons take about 13 minutes the first time), starts gunicorn as
deployed (deploy/gunicorn.conf.py: 2 sync workers per core plus one, JSON access log) on
production settings with the shared cache (Redis at ``BENCH_REDIS_URL``, default db 9 on
localhost, when it answers), logs the long-history participant in, and loads every page from
a separate client process: the trivial view (the framework's floor), the catalogue, an event
page, the login, each portal section, a certificate download and the certificate check.

The floor runs before and after every page, and a page's ratio is its rate against the mean
of those two; the whole sequence repeats in rounds and the medians are reported (this
machine's speed drifts by a fifth within minutes). Prints requests/s, p50/p95/p99 and the
ratio to the floor (the trivial view without a session; the same view with the session shows
what being logged in costs), then the targets: catalogue >= 40 % of the floor, each portal
section >= 15 %, p95 on the large database within 2x of the small one; exit 1 when one is
missed (``--no-check`` to only report).

The PostgreSQL server is ``BENCH_POSTGRES_URL`` (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import cache
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.portal import _env, _free_port  # noqa: E402

PY = sys.executable
PASSWORD = "Bench-Langjaehrig-2026"  # noqa: S105 - the seeded bench account
SMALL = 200
CATALOGUE_TARGET = 0.40
PORTAL_TARGET = 0.15
P95_FACTOR = 2.0
PORTAL_SECTIONS = ("Startseite", "Teilnahmen", "Unterlagen", "Dokumente", "Daten")


# --- The client: a separate process, so the load generator does not share the server's GIL --
def _request(port: int, method: str, path: str, headers: dict, body: str | None) -> int:
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def client_main(spec: dict) -> None:
    """Send ``spec``'s request from ``concurrency`` threads for ``seconds``; print JSON."""
    headers = {"Host": "127.0.0.1", **spec.get("headers", {})}
    body = spec.get("body")
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    latencies: list[float] = []
    errors: list[int] = []
    stop = time.monotonic() + spec["seconds"]

    def worker() -> None:
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = _request(spec["port"], spec["method"], spec["path"], headers, body)
            mine.append(time.perf_counter() - started)
            if status != spec["expect"]:
                errors.append(status)
                break
        latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(spec["concurrency"])]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(
        json.dumps(
            {
                "rate": len(latencies) / elapsed,
                "latencies": [round(x * 1000, 3) for x in latencies],
                "errors": errors[:3],
            }
        )
    )


def _load(spec: dict) -> dict:
    result = subprocess.run(
        [PY, __file__, "--client", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        timeout=spec["seconds"] + 120,
    )
    return json.loads(result.stdout)


# --- The server side --------------------------------------------------------------------------
def _database(persons: int, server_url: str) -> str:
    name = f"bench_load_{persons}"
    parsed = urlparse(server_url)
    import psycopg

    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
        # The planner setting docs/deployment.md recommends on SSD storage (the default 4
        # assumes spinning disks and scans all events for "Meine Teilnahmen").
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    return f"{server_url.rstrip('/')}/{name}"


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


SETUP = """
from django.db import connection
from kundenportal.accounts.models import Person
from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from django.utils import timezone
person = Person.objects.get(username="lena.langjaehrig")
certificate = Certificate.objects.filter(participation__person=person).latest("issued_on")
event = Event.objects.filter(first_day__gt=timezone.localdate(), number__startswith="L-").first()
print(person.username, certificate.pk, certificate.verification_code, event.number)
"""


def _prepare(persons: int, env: dict) -> list[str]:
    _manage(env, "migrate", "-v0")
    seeded = _manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from kundenportal.events.models import Event; "
        "print(Event.objects.filter(number__startswith='L-').exists())",
        capture=True,
    )
    if seeded.strip() != "True":
        print(f"seeding {persons:,} persons …", flush=True)
        started = time.monotonic()
        _manage(env, "seed_large", "--persons", str(persons), "--password", PASSWORD)
        print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)
        # As after autovacuum has been by: statistics, and the visibility map and hint bits a
        # fresh bulk load lacks (else the first reads write, and autovacuum starts mid-run).
        _manage(env, "dbshell", "--", "-qc", "VACUUM (ANALYZE)")
    return _manage(env, "shell", "-v0", "-c", SETUP, capture=True).split()


def _login_cookie(port: int, username: str) -> tuple[str, str, str]:
    """(csrf cookie header, login body, session cookie header) for the benchmark person."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/portal/anmelden/", headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    csrf = response.getheader("Set-Cookie").split(";")[0]
    token = csrf.split("=", 1)[1]
    conn.close()
    body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/portal/anmelden/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "Cookie": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    session = next(
        value.split(";")[0]
        for name, value in response.getheaders()
        if name.lower() == "set-cookie" and "sessionid" in value
    )
    conn.close()
    return csrf, body, session


GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def gunicorn_deployed(env: dict, port: int, log: Path) -> subprocess.Popen:
    """gunicorn as deployed (deploy/gunicorn.conf.py: its workers, its JSON access log, here
    written to ``log``) on the loopback ``port``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "-c", str(GUNICORN_CONF)],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@cache
def workers() -> int:
    """The deployed worker count (WEB_CONCURRENCY, else 2 per core plus one)."""
    return runpy.run_path(str(GUNICORN_CONF))["workers"]


def run_size(persons: int, args, server_url: str, cache_url: str | None) -> dict[str, dict]:
    var_dir = tempfile.mkdtemp(prefix="kundenportal-load-")
    env = _env(var_dir)
    env["DATABASE_URL"] = _database(persons, server_url)
    env["MEDIA_ROOT"] = str(Path(tempfile.gettempdir()) / f"kundenportal-load-media-{persons}")
    if cache_url:
        env["CACHE_URL"] = cache_url
    username, certificate_pk, code, event_number = _prepare(persons, env)
    _manage(env, "collectstatic", "--noinput", "-v0")
    port = _free_port()
    server = gunicorn_deployed(env, port, Path(var_dir) / "gunicorn.log")
    try:
        for _ in range(200):
            try:
                if _request(port, "GET", "/bench/trivial/", {"Host": "127.0.0.1"}, None) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        csrf, login_body, session = _login_cookie(port, username)
        logged_in = {"Cookie": session}
        pages = [
            # The floor: the same middleware, no session, no query, no template.
            ("trivial view", "GET", "/bench/trivial/", {}, None, 200),
            ("trivial view, logged in", "GET", "/bench/trivial/", logged_in, None, 200),
            ("Veranstaltungskatalog", "GET", "/", {}, None, 200),
            ("Veranstaltung", "GET", f"/veranstaltungen/{event_number}/", {}, None, 200),
            ("Anmelden (POST)", "POST", "/portal/anmelden/", {"Cookie": csrf}, login_body, 302),
            ("Startseite", "GET", "/portal/", logged_in, None, 200),
            ("Teilnahmen", "GET", "/portal/teilnahmen/", logged_in, None, 200),
            ("Unterlagen", "GET", "/portal/unterlagen/", logged_in, None, 200),
            ("Dokumente", "GET", "/portal/dokumente/", logged_in, None, 200),
            ("Daten", "GET", "/portal/daten/", logged_in, None, 200),
            (
                "Bescheinigung herunterladen",
                "GET",
                f"/portal/dokumente/bescheinigungen/{certificate_pk}/herunterladen/",
                logged_in,
                None,
                200,
            ),
            ("Bescheinigung prüfen", "GET", f"/bescheinigung/pruefen/{code}/", {}, None, 200),
        ]
        results = {label: {"rates": [], "ratios": [], "latencies": []} for label, *_ in pages}
        specs = [
            (
                label,
                {
                    "port": port,
                    "method": method,
                    "path": path,
                    "headers": headers,
                    "body": body,
                    "expect": expect,
                    "concurrency": args.concurrency,
                },
            )
            for label, method, path, headers, body, expect in pages
        ]
        floor_spec = specs[0][1]
        for _, spec in specs:
            _load({**spec, "seconds": 1.0, "concurrency": workers()})  # warm every worker

        def run(label: str, spec: dict, seconds: float) -> float:
            result = _load({**spec, "seconds": seconds})
            if result["errors"]:
                raise SystemExit(f"{label}: {spec['path']} answered {result['errors']}")
            results[label]["rates"].append(result["rate"])
            results[label]["latencies"].extend(result["latencies"])
            return result["rate"]

        # This machine's speed drifts by a fifth within minutes: the floor runs again after
        # every page, and each page is compared with the mean of the floor just before and
        # just after it; rounds repeat that, and the medians are reported.
        for _ in range(args.rounds):
            floor = run(*specs[0], args.seconds)
            results[specs[0][0]]["ratios"].append(1.0)
            for label, spec in specs[1:]:
                # The login hashes a password on purpose (Argon2): a short run is enough.
                seconds = min(args.seconds, 2.0) if spec["method"] == "POST" else args.seconds
                rate = run(label, spec, seconds)
                floor_after = run(specs[0][0], floor_spec, args.seconds)
                results[label]["ratios"].append(rate / ((floor + floor_after) / 2))
                floor = floor_after
        return {label: _summary(r) for label, r in results.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _summary(runs: dict) -> dict:
    latencies = sorted(runs["latencies"])

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "rate": statistics.median(runs["rates"]),
        "ratio": statistics.median(runs["ratios"]),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(json.loads(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200000, help="size of the large database")
    parser.add_argument("--seconds", type=float, default=2.0, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-check", action="store_true", help="report only, exit 0")
    args = parser.parse_args()

    server_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    cache_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        import redis

        redis.Redis.from_url(cache_url).flushdb()
    except Exception as exc:  # any failure means: no shared cache here
        print(f"no Redis at {cache_url} ({exc}); running without shared cache")
        cache_url = None
    sizes = [SMALL, args.persons] if args.persons != SMALL else [SMALL]
    results = {persons: run_size(persons, args, server_url, cache_url) for persons in sizes}

    print(
        f"\ngunicorn -c deploy/gunicorn.conf.py ({workers()} workers), PostgreSQL, "
        f"cache {cache_url or 'none (database sessions)'}; client: separate process, "
        f"{args.concurrency} threads; {args.rounds} rounds of {args.seconds:g} s per page "
        "(req/s and ratio: median of the rounds, each page against the floor run just before "
        "and after it; percentiles over all rounds)"
    )
    failed = []
    for persons, pages in results.items():
        print(f"\n{persons:,} persons")
        logged_in_floor = pages["trivial view, logged in"]["rate"]
        print(
            f"{'page':30} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
            f" {'vs logged-in trivial':>21}"
        )
        for label, r in pages.items():
            ratio = r["ratio"]
            target = (
                CATALOGUE_TARGET
                if label == "Veranstaltungskatalog"
                else PORTAL_TARGET
                if label in PORTAL_SECTIONS
                else None
            )
            mark = ""
            if target and ratio < target:
                mark = f"  < {target:.0%}"
                failed.append(f"{persons}: {label} {ratio:.1%}")
            print(
                f"{label:30} {r['rate']:8.1f} {ratio:7.1%} "
                f"{r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}"
                f" {r['rate'] / logged_in_floor:21.1%}{mark}"
            )
    if len(sizes) == 2:
        small, large = results[SMALL], results[args.persons]
        print(f"\np95 {args.persons:,} persons / p95 {SMALL} persons (target <= {P95_FACTOR:g})")
        for label in small:
            factor = large[label]["p95"] / small[label]["p95"]
            mark = "  too slow" if factor > P95_FACTOR else ""
            if mark:
                failed.append(f"p95 {label} x{factor:.1f}")
            print(f"{label:30} {factor:7.2f}{mark}")
    if failed:
        print("\nmissed: " + "; ".join(failed))
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
