"""deploy/gunicorn.conf.py: read from the environment, used by the web unit."""

import configparser
import runpy
import shlex
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
