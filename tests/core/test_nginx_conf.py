"""deploy/nginx-kundenportal.conf: the headers the application relies on, and valid for nginx."""

import shutil
import subprocess
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-kundenportal.conf"


def test_every_proxied_location_sets_the_headers_the_application_needs():
    text = SITE.read_text()
    locations = text.count("proxy_pass http://kundenportal;")
    assert locations == 2
    for header in (
        "proxy_set_header Host              $host;",
        "proxy_set_header X-Forwarded-For   $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Request-ID      $kundenportal_request_id;",
    ):
        assert text.count(header) == locations, header
    assert "return 301 https://$host$request_uri;" in text
    assert "access_log off;" in text  # the application's access log is the redacted one


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")), reason="needs nginx and openssl"
)
def test_nginx_accepts_the_site(tmp_path):
    subprocess.run(
        [
            shutil.which("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=portal.bew.example",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    site = (
        SITE.read_text()
        .replace(
            "/etc/letsencrypt/live/portal.bew.example/fullchain.pem", str(tmp_path / "cert.pem")
        )
        .replace("/etc/letsencrypt/live/portal.bew.example/privkey.pem", str(tmp_path / "key.pem"))
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [shutil.which("nginx"), "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
         "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
