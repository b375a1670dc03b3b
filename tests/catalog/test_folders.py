"""A catalog in many parts: parts combine into one catalog, each problem stays in its own part, and a folder's
parts and digest are found as documented (hidden entries skipped, sorted, every name and byte hashed)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.dumper import PARTS, dump_catalog, dump_folder
from catalogsync.catalogfile.loader import load_parts, loads
from catalogsync.catalogfile.sources import Part, part_names, read_catalog
from catalogsync.errors import CatalogError, InputError

OPTIONS = """
options:
  Size:
    values: [{name: Small, surcharge: 0.00}, {name: Large, surcharge: 2.00}]
"""
PRODUCTS = """
products:
  TSHIRT: {name: T-shirt, price: 20.00, options: [Size]}
"""
COUPONS = """
settings:
  account: "1311348"
coupons:
  SAVE10: {type: product, percent_off: 10, products: [TSHIRT], expires: 2030-01-31}
"""


def parts(**texts: str) -> list[Part]:
    """Parts named ``<name>.yaml`` from dedented texts, in the order given."""
    return [Part(f"c/{name}.yaml", textwrap.dedent(text).encode()) for name, text in texts.items()]


def problems(*given: Part) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_parts(given)
    return [str(problem) for problem in caught.value.problems]


def test_parts_are_one_catalog_with_links_across_them() -> None:
    whole = load_parts(parts(options=OPTIONS, products=PRODUCTS, coupons=COUPONS))
    assert whole == loads(textwrap.dedent(OPTIONS + PRODUCTS + COUPONS))
    assert whole.settings.account == "1311348"
    assert whole.coupons["SAVE10"].products == ["TSHIRT"]


def test_a_key_in_two_parts_names_both_places() -> None:
    again = "\n# the same product again\nproducts:\n  TSHIRT: {name: Other, price: 1.00}\n"
    assert problems(*parts(options=OPTIONS, a=PRODUCTS, b=again)) == [
        "c/b.yaml:4:3: products.TSHIRT: declared in two files (also at c/a.yaml:3:3)"
    ]


@pytest.mark.parametrize(
    ("section", "first", "second"),
    [
        ("settings", "settings:\n  prune: {products: true}\n", "settings: {}\n"),
        ("adopt", "adopt:\n  products: {TSHIRT: '4635212971'}\n" + PRODUCTS, "adopt: {products: {}}\n"),
    ],
)
def test_settings_and_adopt_in_one_part_only(section: str, first: str, second: str) -> None:
    found = problems(*parts(options=OPTIONS, a=first, b=second))
    assert found == [
        f"c/b.yaml:1:1: {section}: {section} may be written in one file only (also in c/a.yaml:1:1)"
    ]


def test_a_cross_part_rule_is_reported_in_the_part_at_fault() -> None:
    dangling = "products:\n  MUG: {name: Mug, price: 9.00, options: [Colour]}\n"
    assert problems(*parts(options=OPTIONS, products=dangling)) == [
        "c/products.yaml:2:43: products.MUG.options[0]: option 'Colour' is not declared under options"
    ]


def test_problems_keep_their_part_and_position_in_part_order() -> None:
    bad_price = "products:\n  A: {name: A, price: -1}\n"
    bad_yaml = "coupons:\n  X: [unclosed\n"
    bad_option = "options:\n  Size: {values: []}\n"
    found = problems(*parts(one=bad_price, two=bad_option, three=bad_yaml))
    assert [line.split(": ", 1)[0] for line in found] == [
        "c/three.yaml:3:1"
    ]  # an unreadable part stops the read
    found = problems(*parts(one=bad_price, two=bad_option))
    assert [line.split(": ", 1)[0] for line in found] == ["c/one.yaml:2:23", "c/two.yaml:2:18"]


def test_every_part_not_utf8_is_reported() -> None:
    latin = [Part(f"c/{name}.yaml", "products: {X: {name: caf\xe9}}\n".encode("latin-1")) for name in "ab"]
    assert [line.split(": ", 1)[0] for line in problems(*latin)] == ["c/a.yaml:1:25", "c/b.yaml:1:25"]


def test_dump_folder_reads_back_to_the_same_catalog() -> None:
    catalog = load_parts(parts(options=OPTIONS, products=PRODUCTS, coupons=COUPONS))
    catalog = catalog.model_copy(
        update={"adopt": catalog.adopt.model_copy(update={"products": {"TSHIRT": "42"}})}
    )
    files = dump_folder(catalog, header=["made here"])
    assert list(files) == list(PARTS)
    assert all(text.startswith("# made here\n") for text in files.values())
    assert "adopt:\n  products: {TSHIRT: '42'}\n" in files["products.yaml"]
    assert "account: '1311348'" in files["settings.yaml"]
    again = load_parts([Part(name, text.encode()) for name, text in files.items()])
    assert again == catalog
    assert loads(dump_catalog(catalog)) == catalog


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_parts_are_yaml_files_at_any_depth_sorted_hidden_skipped(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "b.yml": "",
            "a/z.yaml": "",
            "a.yaml": "",
            "notes.txt": "",
            ".hidden.yaml": "",
            ".git/config.yaml": "",
            "a/.cache/x.yaml": "",
        },
    )
    assert part_names(tmp_path) == ["a.yaml", "a/z.yaml", "b.yml"]
    source = read_catalog(str(tmp_path))
    assert source.folder
    assert [p.name for p in source.parts] == [os.path.join(str(tmp_path), n) for n in part_names(tmp_path)]


def test_a_file_is_its_own_single_part(tmp_path: Path) -> None:
    path = tree(tmp_path, {"catalog.yaml": PRODUCTS}) / "catalog.yaml"
    source = read_catalog(str(path))
    assert not source.folder
    assert source.parts == (Part(str(path), path.read_bytes()),)


def test_a_folder_without_catalog_files_is_refused(tmp_path: Path) -> None:
    tree(tmp_path, {"README.md": "", ".git/a.yaml": ""})
    with pytest.raises(InputError, match="the folder holds no catalog file"):
        read_catalog(str(tmp_path))


def digest(root: Path) -> str:
    return read_catalog(str(root)).digest


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "a.yaml").write_text(PRODUCTS + "\n", encoding="utf-8"),  # edited
        lambda root: (root / "a.yaml").rename(root / "c.yaml"),  # renamed, same bytes
        lambda root: (root / "b.yaml").unlink(),  # removed
        lambda root: (root / "sub").mkdir() or (root / "sub" / "d.yml").write_text("", encoding="utf-8"),
        lambda root: (root / "b.yaml").rename(root / "b.yml"),  # renamed to the other suffix
    ],
    ids=["edited", "renamed", "removed", "added", "suffix"],
)
def test_the_digest_covers_every_part_name_and_byte(tmp_path: Path, change: Callable[[Path], object]) -> None:
    root = tree(tmp_path, {"a.yaml": PRODUCTS, "b.yaml": OPTIONS})
    before = digest(root)
    assert digest(root) == before
    change(root)
    assert digest(root) != before


def test_the_digest_tells_moved_bytes_apart(tmp_path: Path) -> None:
    one = digest(tree(tmp_path / "one", {"a.yaml": "ab", "b.yaml": "c"}))
    assert one != digest(tree(tmp_path / "two", {"a.yaml": "a", "b.yaml": "bc"}))


def test_the_empty_catalog_has_an_empty_settings_part() -> None:
    files = dump_folder(Catalog())
    assert load_parts([Part(name, text.encode()) for name, text in files.items()]) == Catalog()


def test_a_part_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path) -> None:
    """A pipe named *.yaml would block the read forever."""
    (tmp_path / "a.yaml").write_text("products: {A: {name: a, price: 1}}\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(InputError) as raised:
        read_catalog(str(tmp_path))
    assert str(raised.value) == f"{tmp_path}/pipe.yaml: not a regular file (a pipe or a device?)"
