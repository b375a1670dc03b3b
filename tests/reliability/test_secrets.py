"""Secrets under faults: the API password and the account's secret word appear in nothing catalogsync writes.

Every command runs with fault injection on, a request log and a distinctive password; stdout, stderr, the log,
saved plans, the exported catalog and the text of every error are scanned for the password in each form it
takes on the wire, and for the secret word ("tango", served in the sandbox's company info).
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import traceback
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from catalogsync.api import Client
from catalogsync.errors import ClientError, SettingsError
from catalogsync.fetch import fetch
from catalogsync.sandbox import ALL_FAULTS, Faults
from tests.hostile_server import Answer, Hostile, HostileHandler, QuietServer

USER, PASSWORD, WRONG = "ci-user", "Zq8%kV#2 pw/&x=1", "Wr0ng%pw#distinct"
SECRET_WORD = "tango"
CERT = Path(__file__).parent / "data" / "selfsigned.pem"
CATALOG = """
options:
  Size:
    values: [{name: Small, surcharge: 0.00}, {name: Large, surcharge: 1.00}]
products:
  LTP-003: {name: Live Test Product, price: 12.50}
  TEE: {name: Tee, price: 9.99, options: [Size]}
coupons:
  TEE1: {type: product, value_off: 1.00, products: [TEE], expires: 2030-01-01}
"""


def forms(secret: str) -> set[str]:
    """The secret as written, URL-encoded both ways, JSON-escaped, and inside the Basic credentials."""
    basic = base64.b64encode(f"{USER}:{secret}".encode()).decode()
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1], basic}


def leaks(texts: dict[str, str], *secrets: str) -> list[str]:
    return [
        f"{name}: {form!r}"
        for name, text in texts.items()
        for s in secrets
        for f in [forms(s)]
        for form in f
        if form in text
    ]


def test_no_command_writes_a_secret(make_sandbox, cli, write, tmp_path, monkeypatch):
    sandbox = make_sandbox(seed="demo", username=USER, password=PASSWORD)
    sandbox.faults = Faults(fault_rate=0.15, seed=3, kinds=ALL_FAULTS, slow_ms=500)
    monkeypatch.setenv("TWOCHECKOUT_USERNAME", USER)
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", PASSWORD)
    path, log = write(CATALOG), str(tmp_path / "requests.log")
    conn = ("--log-file", log, "--timeout", "0.3")
    runs = {
        "validate": cli(None, "validate", path),
        **{
            f"plan {fmt}": cli(
                sandbox.url, "plan", path, "--format", fmt, "--out", str(tmp_path / f"{fmt}.plan"), *conn
            )
            for fmt in ("text", "markdown", "json")
        },
        "apply": cli(sandbox.url, "apply", path, "--yes", *conn),
        "plan --out": cli(sandbox.url, "plan", path, "--out", str(tmp_path / "saved.plan"), *conn),
        "apply PLAN": cli(sandbox.url, "apply", str(tmp_path / "saved.plan"), *conn),
        "export": cli(sandbox.url, "export", "-o", str(tmp_path / "exported.yaml"), *conn),
        "plan --password": cli(sandbox.url, "plan", path, "--password", PASSWORD, *conn),
    }
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", WRONG)
    runs["wrong password"] = cli(sandbox.url, "plan", path, *conn)
    assert runs["wrong password"].code == 1 and "UNAUTHORIZED" in runs["wrong password"].err
    assert any(run.code == 0 for name, run in runs.items() if name.startswith("apply"))
    texts = {
        f"{name} {stream}": getattr(run, stream) for name, run in runs.items() for stream in ("out", "err")
    }
    texts |= {str(p.name): p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file()}
    assert '"secret_word":"***"' in texts["requests.log"]  # the company info was logged, redacted
    assert len(sandbox.stats()["faults"]) >= 5  # most kinds of fault happened
    assert leaks({"self-check": f"x={quote_plus(PASSWORD)}"}, PASSWORD) != []
    assert leaks(texts, PASSWORD, WRONG, SECRET_WORD) == []


SPELLINGS = {
    "as written": ["--password", PASSWORD],
    "joined": [f"--password={PASSWORD}"],
    "abbreviated": ["--pass", PASSWORD],
    "mistyped": ["--pasword", PASSWORD],
    "mistyped, joined": [f"--passwrod={PASSWORD}"],
    "in capitals": [f"--PASSWORD={PASSWORD}"],
    "short": ["-p", PASSWORD],
    "shorthand": ["--pwd", PASSWORD],
    "shorthand, joined": [f"--pw={PASSWORD}"],
    "joined by a colon": [f"--password:{PASSWORD}"],
    "a space after =": ["--password=", PASSWORD],
    "pasted with an em dash": [f"\u2014password={PASSWORD}"],
    "pasted with an en dash": ["\u2013password", PASSWORD],
}
COMMANDS = {
    "validate": ["validate", "c.yaml"],  # takes no --password: the flag itself is the usage error
    "plan": ["plan", "c.yaml", "--bogus"],
    "apply": ["apply", "c.yaml", "--format", "text"],
    "export": ["export", "--only", "product"],
    "schema": ["schema"],
    "sandbox": ["sandbox", "--port", "x"],
    "no command": [],
}


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_usage_error_never_repeats_a_password_given_as_a_flag(cli, command, spelling):
    """Every command's usage errors, whatever the error and however the flag was written (argparse repeats
    unrecognized arguments, and a mistyped flag is one)."""
    run = cli(None, *COMMANDS[command], *SPELLINGS[spelling], "--frobnicate")
    assert run.code == 1 and "error:" in run.err
    assert leaks({"stdout": run.out, "stderr": run.err}, PASSWORD) == []


def test_a_short_password_is_masked_as_a_word_only(cli):
    run = cli(None, "plan", "c.yaml", "--pasword", "p", "--frobnicate")
    assert run.err.endswith(
        "error: unrecognized arguments: --pasword *** --frobnicate (did you mean '--password'?)\n"
    )


def test_error_texts_carry_no_secret(make_sandbox):
    """Every kind of fault, every time: the errors and their whole tracebacks are clean."""
    sandbox = make_sandbox(seed="demo", username=USER, password=PASSWORD)
    texts = {}
    for kind in ALL_FAULTS:
        sandbox.faults = Faults(fault_rate=1.0, kinds=(kind,), slow_ms=300)
        with Client(
            sandbox.url, USER, PASSWORD, secret=SECRET_WORD, timeout=0.2, backoff=0.001, max_backoff=0.01
        ) as client:
            with pytest.raises(ClientError) as caught:
                fetch(client, base_url=sandbox.url)
            texts[kind] = "".join(traceback.format_exception(caught.value)) + repr(client)
    sandbox.faults = None
    with Client(sandbox.url, USER, WRONG) as client, pytest.raises(ClientError) as caught:
        fetch(client, base_url=sandbox.url)
    texts["unauthorized"] = "".join(traceback.format_exception(caught.value))
    assert leaks(texts, PASSWORD, WRONG, SECRET_WORD) == []


def test_a_truncated_answer_is_logged_without_the_secret_word(hostile: Hostile, tmp_path):
    log = tmp_path / "requests.log"
    truncated = b'{"response_code":"OK","vendor_company_info":{"secret_word":"tango","vendor_id":"13'
    hostile.answers["acct/detail_company_info"] = Answer(truncated)
    with (
        Client(hostile.url, USER, PASSWORD, log_file=log, max_retries=0) as client,
        pytest.raises(ClientError),
    ):
        _ = client.vendor_id
    assert "secret_word" in log.read_text() and SECRET_WORD not in log.read_text()


@pytest.mark.parametrize(
    "url", ["http://example.com/api", "http://10.1.2.3:8080/api", "http://[::ffff:8.8.8.8]/api"]
)
def test_plain_http_to_another_host_is_refused(cli, write, url):
    result = cli(url, "plan", write(CATALOG))
    assert result.code == 1
    assert "refusing plain http" in result.err and "Basic auth would travel in clear text" in result.err
    with pytest.raises(SettingsError):
        Client(url, USER, PASSWORD)


def test_tls_certificates_are_verified(hostile: Hostile, cli, write, monkeypatch):
    """An HTTPS server with a self-signed certificate: no request gets through, so no credentials either."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT)
    server = QuietServer(("127.0.0.1", 0), HostileHandler)
    server.hostile = hostile  # type: ignore[attr-defined]
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_port}/api"
        with Client(url, USER, PASSWORD, max_retries=0) as client, pytest.raises(ClientError) as caught:
            _ = client.vendor_id
        assert "its TLS certificate is refused: self-signed certificate" in str(caught.value)
        result = cli(url, "plan", write(CATALOG))
        assert result.code == 1 and "its TLS certificate is refused" in result.err
        assert hostile.calls == []
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
