"""deploy/gunicorn.conf.py: read from the environment, used by the web unit."""

import configparser
import os
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _conf(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_TIMEOUT", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_defaults_suit_one_machine_behind_nginx(monkeypatch):
    conf = _conf(monkeypatch)

    assert conf["wsgi_app"] == "config.wsgi:application"
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["workers"] >= 3
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["graceful_timeout"] < conf["timeout"]
    assert conf["preload_app"] is True
    assert conf["logger_class"] == "kundenportal.core.access_log.GunicornLogger"
    access = conf["logconfig_dict"]["loggers"]["gunicorn.access"]
    assert access["handlers"] == ["console"]
    assert conf["logconfig_dict"]["formatters"]["default"]["()"].endswith("JsonFormatter")


def test_workers_address_and_trusted_proxies_come_from_the_environment(monkeypatch):
    conf = _conf(
        monkeypatch,
        WEB_CONCURRENCY="7",
        GUNICORN_BIND="0.0.0.0:8000",
        FORWARDED_ALLOW_IPS="10.0.0.2,10.0.0.3",
        GUNICORN_TIMEOUT="60",
    )

    assert conf["workers"] == 7
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"
    assert conf["timeout"] == 60


def test_web_unit_starts_gunicorn_with_the_config_file():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / "kundenportal-web.service")
    command = shlex.split(parser["Service"]["ExecStart"])

    assert command == ["/opt/kundenportal/.venv/bin/gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert int(parser["Service"]["TimeoutStopSec"]) > 25  # longer than the graceful timeout


def test_the_preloaded_application_opens_no_connection_at_import(tmp_path):
    """The master imports the app before forking: a connection opened then would be shared by
    every worker. Here database and cache answer nowhere, and the import still succeeds."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "p9#kQ2v!xL7zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT",
        "ALLOWED_HOSTS": "kundenportal.example",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "CACHE_URL": "redis://127.0.0.1:9/0",
        "VAR_DIR": str(tmp_path),
    }
    code = "from config.wsgi import application; print(type(application).__name__)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=DEPLOY.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"
