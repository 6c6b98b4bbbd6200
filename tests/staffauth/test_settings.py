from tests.core.test_settings import PRODUCTION_ENV, _manage


def test_production_refuses_to_switch_off_the_second_factor():
    result = _manage("check", env={**PRODUCTION_ENV, "STAFF_OTP_REQUIRED": "0"})
    assert result.returncode != 0
    assert "STAFF_OTP_REQUIRED=0 is only allowed for development" in result.stderr


def test_development_may_switch_it_off():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STAFF_OTP_REQUIRED)",
        env={**PRODUCTION_ENV, "STAFF_OTP_REQUIRED": "0", "DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
    on = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STAFF_OTP_REQUIRED)",
        env=PRODUCTION_ENV,
    )
    assert on.stdout.strip().splitlines()[-1] == "True", on.stderr
