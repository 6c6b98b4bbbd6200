import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "x7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT(yU)",
    "ALLOWED_HOSTS": "kundenportal.example",
    "DATABASE_URL": "sqlite:////tmp/kundenportal-check-deploy.sqlite3",
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_previous_keys_are_read_as_fallbacks():
    old = [
        "Alt-1-" + "q7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ",
        "Alt-2-" + "m$V8t!Rz3#Lq6^Wd1&Hn5*Bk9@Gx2%Jc7+Fs4=Py0?uE8-oT3_",
    ]
    env = {**PRODUCTION_ENV, "SECRET_KEY_FALLBACKS": ",".join(old)}
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(old)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # A weak previous key is refused like a weak key.
    weak = {**env, "SECRET_KEY_FALLBACKS": "alt"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=weak)
    assert result.returncode != 0 and "security.W025" in result.stdout + result.stderr
