"""Problems of the YAML itself and of the top level: syntax, duplicate keys, tags, keys, aliases, sections."""

from __future__ import annotations

import pytest

from catalogsync.yamlread import MAX_ALIASED, MAX_DEPTH, parse
from tests.catalog.helpers import problems, valid

TOP = "the catalog must be a mapping of sections: settings, options, products, coupons"


def test_syntax_error_has_the_marks_position() -> None:
    assert problems("products:\n  X: [1, 2\n") == [
        (
            3,
            1,
            "",
            "YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'",
        )
    ]


def test_bad_indentation() -> None:
    ((line, column, path, message),) = problems("products:\n  X:\n    name: A\n   price: 1\n")
    assert (line, column, path) == (4, 4, "")
    assert message.startswith("YAML syntax error: ")


def test_tab_indentation() -> None:
    ((line, column, _, message),) = problems("products:\n\tX: {name: A, price: 1}\n")
    assert (line, column) == (2, 1)
    assert "'\\t'" in message


def test_several_documents_are_refused() -> None:
    ((line, column, _, message),) = problems("options: {}\n---\nproducts: {}\n")
    assert (line, column) == (2, 1)
    assert "expected a single document" in message


def test_duplicate_keys_at_every_level() -> None:
    text = "products:\n  X:\n    name: A\n    price: 1\n    name: B\n  X: {name: C, price: 2}\nproducts: {}\n"
    assert problems(text) == [
        (5, 5, "products.X.name", "duplicate key 'name' (first written on line 3)"),
        (6, 3, "products.X", "duplicate key 'X' (first written on line 2)"),
        (7, 1, "products", "duplicate key 'products' (first written on line 1)"),
    ]


def test_duplicate_keys_written_differently_are_the_same_key() -> None:
    text = "products:\n  123: {name: A, price: 1}\n  '123': {name: B, price: 1}\n"
    assert problems(text) == [(3, 3, "products.123", "duplicate key '123' (first written on line 2)")]


def test_duplicate_key_keeps_the_first_value() -> None:
    text = "products:\n  X: {name: A, price: 1, price: -5}\n"
    assert problems(text) == [(2, 26, "products.X.price", "duplicate key 'price' (first written on line 2)")]


@pytest.mark.parametrize("text", ["- options\n- products\n", "hello\n", "42\n", "true\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    assert problems(text) == [(1, 1, "", TOP)]


def test_unknown_sections_point_at_their_key() -> None:
    assert problems("produts: {}\nextra: 1\n") == [
        (1, 1, "produts", "unknown section (did you mean 'products'?)"),
        (2, 1, "extra", "unknown section"),
    ]


def test_sections_must_be_mappings() -> None:
    assert problems("options: [Size]\nproducts: 5\ncoupons: SALE\n") == [
        (1, 10, "options", "expected a mapping of option names to options"),
        (2, 11, "products", "expected a mapping of product codes to products"),
        (3, 10, "coupons", "expected a mapping of coupon codes to coupons"),
    ]


def test_resource_must_be_a_mapping() -> None:
    assert problems("products:\n  X: 5\n  Y:\n") == [
        (2, 6, "products.X", "expected a mapping, got 5"),
        (3, 5, "products.Y", "expected a mapping, got null"),
    ]


def test_python_and_unknown_tags_are_refused() -> None:
    text = (
        "products:\n"
        "  X: !!python/object/apply:os.system [echo]\n"
        "  Y: {name: !!binary aGk=, price: !custom 1}\n"
        "  Z: !!set {a: null}\n"
    )
    assert problems(text) == [
        (2, 6, "products.X", "the tag !!python/object/apply:os.system is not allowed"),
        (3, 13, "products.Y.name", "the tag !!binary is not allowed"),
        (3, 35, "products.Y.price", "the tag !custom is not allowed"),
        (4, 6, "products.Z", "the tag !!set is not allowed"),
    ]


def test_standard_tags_are_read() -> None:
    catalog = valid("products:\n  X: {name: !!str 12, price: !!float 1.5, categories: [!!int '7']}\n")
    product = catalog.products["X"]
    assert (product.name, str(product.price), product.categories) == ("12", "1.50", [7])


def test_explicit_tag_with_a_bad_value() -> None:
    assert problems("products:\n  X: {name: A, price: !!float abc}\n") == [
        (2, 23, "products.X.price", "'abc' is not a valid !!float value")
    ]


def test_null_boolean_and_collection_keys_are_refused() -> None:
    text = (
        "products:\n"
        "  ~: {name: A, price: 1}\n"
        "  true: {name: A, price: 1}\n"
        "  ? [a, b]\n"
        "  : {name: A, price: 1}\n"
    )
    assert problems(text) == [
        (2, 3, "products", "the key '~' is read as null: quote it to use it as text"),
        (3, 3, "products", "the key 'true' is read as a boolean: quote it to use it as text"),
        (4, 5, "products", "a key must be plain text, not a list, mapping or tagged value"),
    ]


def test_recursive_alias_is_refused() -> None:
    assert problems("products: &p\n  X: *p\n") == [
        (1, 11, "products.X", "an alias refers to the collection that contains it")
    ]


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    ((line, column, path, message),) = problems("\n".join(lines) + "\n")
    assert message == f"aliases expand the document by more than {MAX_ALIASED} values"
    assert line >= 1 and column >= 1 and path.startswith("a")


@pytest.mark.parametrize("careful", [False, True])
def test_a_document_larger_than_the_alias_limit_is_read_whole(careful: bool) -> None:
    """The alias guard counts what aliases add, not the document's size (a 100,000-product catalog)."""
    count = MAX_ALIASED + 5
    document = parse("values: [" + ", ".join(["x"] * count) + "]\n", "big.yaml", careful=careful)
    assert document.problems == []
    assert len(document.data["values"]) == count


def test_aliases_within_the_limit_are_expanded() -> None:
    document = parse("a: &a [x, y]\nb: [*a, *a, *a]\n", "p.yaml")
    assert document.problems == []
    assert document.data["b"] == [["x", "y"]] * 3


def test_deep_nesting_is_refused_with_a_location() -> None:
    depth = 5000
    ((line, column, path, message),) = problems("products: " + "[" * depth + "]" * depth + "\n")
    assert (line, column, path) == (1, 11 + MAX_DEPTH - 1, "")
    assert message == f"nested more than {MAX_DEPTH} levels deep"


def test_nesting_through_aliases_is_limited() -> None:
    half = MAX_DEPTH // 2 + 2
    text = f"a: &a {'[' * half}1{']' * half}\nb: &b {'[' * half}*a{']' * half}\n"
    assert any("levels deep (through aliases)" in message for *_, message in problems(text))


def test_control_characters_are_located() -> None:
    assert problems("products:\n  X: {name: \x07, price: 1}\n") == [
        (2, 13, "", "character U+0007 is not allowed in YAML")
    ]


def test_many_problems_in_one_pass_sorted_by_position() -> None:
    text = (
        "produts: {}\n"
        "options:\n"
        "  Size: {values: [{name: S, surcharge: -1}]}\n"
        "products:\n"
        "  X: {name: A, price: 1, options: [Color]}\n"
        "  Y: {name: B, price: 1.234}\n"
        "  Y: {name: C, price: 1}\n"
        "coupons:\n"
        "  C: {type: sale, expires: 2027-01-01}\n"
    )
    assert [(line, path) for line, _, path, _ in problems(text)] == [
        (1, "produts"),
        (3, "options.Size.values[0].surcharge"),
        (5, "products.X.options[0]"),
        (6, "products.Y.price"),
        (7, "products.Y"),
        (9, "coupons.C"),
    ]


def test_no_problem_is_reported_twice_through_an_alias() -> None:
    text = (
        "base: &v {name: S, surcharge: 1, surcharge: 2}\noptions:\n  A: {values: [*v]}\n  B: {values: [*v]}\n"
    )
    found = problems(text)
    assert [(line, message) for line, _, _, message in found if "duplicate" in message] == [
        (1, "duplicate key 'surcharge' (first written on line 1)")
    ]
