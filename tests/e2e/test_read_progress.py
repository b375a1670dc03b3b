"""The read's progress total: once page 1 of every list is known it counts every request the read makes."""

from __future__ import annotations

from catalogsync.api import Client
from catalogsync.fetch import fetch


def test_the_expected_requests_are_the_requests_made(make_sandbox, cli, write):
    sandbox = make_sandbox(seed="demo")
    path = write(
        "coupons:\n" + "".join(f"  C{n:03}: {{type: shipping, expires: 2030-01-01}}\n" for n in range(250))
    )
    assert cli(sandbox, "apply", path, "--yes").code == 0
    with Client(sandbox.url, "sandbox", "sandbox") as client:
        assert client.requests_expected == (0, 0)
        fetch(client, base_url=sandbox.url)
        expected, lists = client.requests_expected
        assert lists == 3
        assert expected + 1 == client.requests_made  # + the company info
