"""What an account holds is read as it is: text that looks like "no value", data the catalog's own rules would
refuse, keys such as ``"null"``. Each case once failed a whole export or plan, or never converged."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogsync.api import Client

NULL_KEYS = """
options:
  "null":
    values:
      - {name: "null", surcharge: 0.00}
      - {name: "~", surcharge: 1.00}
products:
  "null":
    name: "null"
    price: 1.00
    description: "null"
    options: ["null"]
coupons:
  "null": {type: product, value_off: 1.00, minimum_purchase: 2.00, products: ["null"], expires: 2030-01-01}
"""


@pytest.fixture(params=["lenient", "strict"])
def account(request, make_sandbox):
    return make_sandbox(seed="empty", dialect=request.param)


def client_of(sandbox) -> Client:
    return Client(sandbox.url, "sandbox", "sandbox")


def test_keys_and_text_written_null_converge(account, cli, write):
    path = write(NULL_KEYS)
    assert cli(account, "apply", path, "--yes").code == 0
    again = cli(account, "plan", path, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert cli(account, "apply", path, "--yes").code == 0
    with client_of(account) as client:
        products = client.products.list_all()
        assert [(p["vendor_product_id"], p["name"], p["description"]) for p in products] == [
            ("null", "null", "null")
        ]
        assert [o["option_name"] for o in client.products.options.list_all()] == ["null"]


def test_a_name_longer_than_any_catalog_limit_is_read_and_exported(account, cli, tmp_path):
    name = "N" * 300
    with client_of(account) as client:
        client.products.create(vendor_product_id="LONG", name=name, price="1.00")
    out = tmp_path / "export.yaml"
    assert cli(account, "export", "-o", str(out)).code == 0
    assert name in out.read_text(encoding="utf-8")
    assert cli(None, "validate", str(out)).code == 0
    planned = cli(account, "plan", str(out), "--detailed-exitcode")
    assert planned.code == 0, planned.err


def test_an_option_the_catalog_could_not_declare_is_read_and_named_by_export(account, cli, write, tmp_path):
    with client_of(account) as client:
        created = client.products.options.create(
            option_name="Bare", option_value_name=["Only"], option_value_surcharge=["0.00"]
        )
        [option] = client.products.options.list_all()
        value_id = option["option_values"][0]["option_value_id"]
        client.products.options.update(
            option_id=created["option_id"], option_name="Bare", option_value_id=value_id
        )
        assert client.products.options.list_all()[0]["option_values"] == []
    path = write("products:\n  P: {name: P, price: 1.00}\n")
    planned = cli(account, "plan", path)
    assert planned.code == 0, planned.err
    assert "Bare" in planned.out
    out = tmp_path / "export.yaml"
    assert cli(account, "export", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert "option 'Bare': cannot be declared as it is (an option needs at least one value)" in text
    assert cli(None, "validate", str(out)).code == 0


@pytest.mark.parametrize("field", ["description", "long_description", "approved_url", "pending_url"])
def test_empty_text_in_a_catalog_is_refused_with_the_fix(cli, write, field):
    path = write(f'products:\n  P: {{name: P, price: 1.00, {field}: ""}}\n')
    result = cli(None, "validate", path)
    assert result.code == 1
    assert f"products.P.{field}: empty text: the API does not tell empty text from no text;" in result.err
    assert "write null (or leave the field out)" in result.err


def test_a_key_too_long_for_a_url_is_refused_offline(cli, write):
    path = write(f"coupons:\n  ? {'C' * 70_000}\n  : {{type: shipping, expires: 2030-01-01}}\n")
    result = cli(None, "validate", path)
    assert result.code == 1
    assert "this coupon code is 70000 characters once URL-encoded" in result.err
    assert f'coupons["{"C" * 57}..."]' in result.err  # named by its start and its line, not whole
    assert max(len(line) for line in result.err.splitlines()) < 300
    assert Path(path).exists()


def test_a_resource_whose_key_no_url_can_hold_is_left_out_of_an_export(account, cli, tmp_path):
    with client_of(account) as client:
        client.products.create(vendor_product_id="P" * 4001, name="Long code", price="1.00")
        client.products.create(vendor_product_id="SHORT", name="Short code", price="1.00")
    out = tmp_path / "export.yaml"
    assert cli(account, "export", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert "P" * 4001 not in text
    assert f"#   product '{'P' * 57}...': cannot be declared as it is (this product code is 4001" in text
    assert cli(None, "validate", str(out)).code == 0
    planned = cli(account, "plan", str(out), "--detailed-exitcode")
    assert planned.code == 0, planned.err


def test_an_exported_discount_coupon_without_a_minimum_is_changed_as_the_docs_say(account, cli, tmp_path):
    """docs/catalog.md, 'Rules between fields': the refusal names the fix, and the fix converges."""
    with client_of(account) as client:
        client.products.coupons.create(
            coupon_code="TENOFF", type="sale", date_expire="2030-01-01", percentage_off="10"
        )
    out = tmp_path / "export.yaml"
    assert cli(account, "export", "-o", str(out)).code == 0
    exported = out.read_text(encoding="utf-8")
    assert "minimum_purchase: null" in exported
    out.write_text(exported.replace("2030-01-01", "2031-01-01"), encoding="utf-8")
    refused = cli(account, "plan", str(out))
    assert refused.code == 1
    assert "declare minimum_purchase (0.00 for none)" in refused.err
    out.write_text(
        out.read_text(encoding="utf-8").replace("minimum_purchase: null", "minimum_purchase: 0.00"),
        encoding="utf-8",
    )
    planned = cli(account, "plan", str(out))
    assert planned.code == 0, planned.err
    assert "minimum_purchase" in planned.out and "2031-01-01" in planned.out
    assert cli(account, "apply", str(out), "--yes").code == 0
    assert cli(account, "plan", str(out), "--detailed-exitcode").code == 0
