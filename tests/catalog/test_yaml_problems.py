"""Problems of the YAML itself and of the top level: syntax, duplicate keys, tags, keys, aliases, sections."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.yamlcore import MAX_DEPTH
from catalogsync.catalogfile.yamlread import MAX_ALIASED, parse
from tests.catalog.helpers import problems, valid

TOP = "the catalog must be a mapping of sections: settings, adopt, options, products, coupons"


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


TAB = "tabs cannot indent YAML; use spaces"
TABBED = [
    ("products:\n\tX: {name: A, price: 1}\n", 2, 1),
    ("products:\n  X:\n    name: A\n  \tprice: 1\n", 4, 3),
    ("products:\n  X:\n    name: A\n\t  price: 1\n", 4, 1),
    ("products:\r\n  X:\r\n\t  name: A\r\n", 3, 1),
    ("\ufeff\tproducts: {}\n", 1, 1),
    ("options:\n  Size:\n    values:\n    - {name: S, surcharge: 0}\n\t- {name: M, surcharge: 0}\n", 5, 1),
    ("products:\n  X:\n    description: |\n\t  text\n", 4, 1),
]


@pytest.mark.parametrize(("text", "line", "column"), TABBED)
def test_tab_indentation(text: str, line: int, column: int) -> None:
    assert problems(text) == [(line, column, "", TAB)]


@pytest.mark.parametrize("careful", [False, True])
@pytest.mark.parametrize(("text", "line", "column"), TABBED)
def test_tab_indentation_reads_the_same_with_either_reader(
    text: str, line: int, column: int, careful: bool
) -> None:
    document = parse(text, "t.yaml", careful=careful)
    assert not document.readable
    assert [(p.line, p.column, p.path, p.message) for p in document.problems] == [(line, column, "", TAB)]


def test_tabs_in_quoted_and_block_text_are_read() -> None:
    text = (
        "products:\n"
        "  X: {name: 'a\tb', price: 1, description: \"c\td\\te\"}\n"
        "  Y:\n"
        "    name: B  # a comment\twith a tab\n"
        "    price: 1\n"
        "    long_description: |\n"
        "      first\n"
        "      \tindented by a tab inside the text\n"
    )
    catalog = valid(text)
    assert (catalog.products["X"].name, catalog.products["X"].description) == ("a\tb", "c\td\te")
    assert catalog.products["Y"].long_description == "first\n\tindented by a tab inside the text\n"


@pytest.mark.parametrize("text", ["products:\n  X:\tA\n", "products:\n  X: {name: A,\tprice: 1}\n"])
def test_a_tab_that_does_not_indent_is_not_called_indentation(text: str) -> None:
    ((line, column, _, message),) = problems(text)
    assert (line, column) == (2, text.splitlines()[1].index("\t") + 1)
    assert message != TAB


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


def test_a_duplicate_key_inside_a_duplicate_entry_is_reported_too() -> None:
    text = "products:\n  A: {name: x, price: 1}\n  A: {name: y, name: z, price: 2}\n"
    assert problems(text) == [
        (3, 3, "products.A", "duplicate key 'A' (first written on line 2)"),
        (3, 16, "products.A.name", "duplicate key 'name' (first written on line 3)"),
    ]


def test_every_problem_inside_a_duplicate_entry_is_reported() -> None:
    text = (
        "products:\n"
        "  A:\n"
        "    name: x\n"
        "    price: 1\n"
        "  A:\n"
        "    name: y\n"
        "    price: !!float abc\n"
        "    weight: !custom 1\n"
        "    recurring: {recurrence: 1 Month, recurrence: 2 Month}\n"
        "    ~: 1\n"
        "    A: {name: z, name: w}\n"
    )
    assert problems(text) == [
        (5, 3, "products.A", "duplicate key 'A' (first written on line 2)"),
        (7, 12, "products.A.price", "'abc' is not a valid !!float value"),
        (8, 13, "products.A.weight", "the tag !custom is not allowed"),
        (9, 38, "products.A.recurring.recurrence", "duplicate key 'recurrence' (first written on line 9)"),
        (10, 5, "products.A", "the key '~' is read as null: quote it to use it as text"),
        (11, 18, "products.A.A.name", "duplicate key 'name' (first written on line 11)"),
    ]


def test_a_duplicate_entry_leaves_the_first_ones_value_positions_and_checks() -> None:
    first = "products:\n  A: {name: x, price: abc}\n"
    again = first + "  A: {name: y, price: !!float abc, weight: 1, tangible: !custom x, <<: {a: b}}\n"
    kept, doubled = parse(first, "c.yaml", careful=True), parse(again, "c.yaml", careful=True)
    assert doubled.data == kept.data == {"products": {"A": {"name": "x", "price": "abc"}}}
    assert (doubled.marks, doubled.broken) == (kept.marks, kept.broken) == (kept.marks, set())
    assert problems(again) == [  # the first price's problem is not hidden by the duplicate's unreadable price
        (2, 23, "products.A.price", "'abc' is not a number"),
        (3, 3, "products.A", "duplicate key 'A' (first written on line 2)"),
        (3, 23, "products.A.price", "'abc' is not a valid !!float value"),
        (3, 57, "products.A.tangible", "the tag !custom is not allowed"),
    ]


def test_a_problem_inside_a_duplicate_entry_through_an_alias_is_reported_once() -> None:
    text = (
        "base: &b {name: S, name: T}\n"
        "options:\n"
        "  A: {values: [*b]}\n"
        "  A: {values: [*b, {name: U, name: V}]}\n"
    )
    assert [(line, column, message) for line, column, _, message in problems(text) if "dup" in message] == [
        (1, 20, "duplicate key 'name' (first written on line 1)"),
        (4, 3, "duplicate key 'A' (first written on line 3)"),
        (4, 30, "duplicate key 'name' (first written on line 4)"),
    ]


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


# Duplicate keys nested at any depth, inside duplicates too

Key = tuple[str, str]  # (the key, how it is written: a format of it)
Tree = str | tuple[bool, list[tuple[Key, "Tree"]]]  # a scalar, or (flow style?, entries)
Found = tuple[int, int, str, str]

KEY = st.tuples(st.sampled_from(["products", "name", "a", "123"]), st.sampled_from(["{}", "'{}'", '"{}"']))
SCALAR = st.sampled_from(["1", "x", "''", "[]"])


@st.composite
def _mappings(draw: st.DrawFn, values: st.SearchStrategy[Tree], min_size: int = 0) -> Tree:
    """A mapping, with some of its keys written again (with another value) at random places."""
    entries: list[tuple[Key, Tree]] = draw(st.lists(st.tuples(KEY, values), min_size=min_size, max_size=3))
    for _ in range(draw(st.integers(0, 2)) if entries else 0):
        (name, _), _ = draw(st.sampled_from(entries))
        at = draw(st.integers(0, len(entries)))
        entries.insert(at, ((name, draw(KEY)[1]), draw(values)))
    return draw(st.booleans()), entries


TREES = st.recursive(SCALAR, _mappings, max_leaves=25)


class _Writer:
    """Writes a tree as YAML, noting where every repeated key is and the problem it must give."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.expected: list[Found] = []

    def seen(self, first: dict[str, int], key: str, line: int, column: int, path: str) -> None:
        if key in first:
            message = f"duplicate key {key!r} (first written on line {first[key]})"
            self.expected.append((line, column, path, message))
        else:
            first[key] = line

    def block(self, entries: list[tuple[Key, Tree]], indent: int, path: str) -> None:
        first: dict[str, int] = {}
        for (name, style), value in entries:
            inner = f"{path}.{name}" if path else name
            self.seen(first, name, len(self.lines) + 1, indent + 1, inner)
            head = " " * indent + style.format(name) + ":"
            if isinstance(value, tuple) and value[1] and not value[0]:
                self.lines.append(head)
                self.block(value[1], indent + 2, inner)
            else:
                self.lines.append(head + " ")
                self.lines[-1] += self.inline(value, len(self.lines), len(head) + 2, inner)

    def inline(self, value: Tree, line: int, column: int, path: str) -> str:
        if isinstance(value, str):
            return value
        first: dict[str, int] = {}
        written = "{"
        for index, ((name, style), inner) in enumerate(value[1]):
            written += ", " if index else ""
            self.seen(first, name, line, column + len(written), f"{path}.{name}")
            written += style.format(name) + ": "
            written += self.inline(inner, line, column + len(written), f"{path}.{name}")
        return written + "}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mappings(TREES, min_size=1))
def test_every_duplicate_key_is_reported_once(document: Any) -> None:
    writer = _Writer()
    writer.block(document[1], 0, "")
    assume(writer.expected)
    text = "\n".join(writer.lines) + "\n"
    reported = [found for found in problems(text) if found[3].startswith("duplicate key ")]
    assert Counter(reported) == Counter(writer.expected), text
    for careful in (False, True):
        document_problems = parse(text, "c.yaml", careful=careful).problems
        read = [(p.line, p.column, p.path, p.message) for p in document_problems]
        assert Counter(read) == Counter(writer.expected), text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('products:\n  "\\ud800\\udc00": {name: x, price: 1}\n', (2, 3, "products")),
        ('products:\n  P: {name: "x\\ud83d", price: 1}\n', (2, 13, "products.P.name")),
    ],
    ids=["in a key", "in a value"],
)
def test_a_lone_surrogate_escape_is_a_located_problem(text: str, where: tuple[int, int, str]) -> None:
    """``\\ud83d`` escapes half a character (as JSON writes beyond U+FFFF): it crashed the key rule."""
    found = problems(text)
    assert [p[:3] for p in found] == [where]
    assert "half of a UTF-16 pair" in found[0][3]
