"""Realistic catalogs of any size, written as the YAML a user keeps in git, and a 10% change of one.

Per ``n`` products: ~5% as many options (2-4 values each) and 10% as many coupons, half of them product
coupons linked to one to three products; every discount declares its minimum purchase (the API needs it to
update the coupon). Products mix the fields users declare: descriptions, tangible goods with weight and
handling, subscriptions, affiliate commissions, options and categories. Deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CATEGORIES = (1, 2, 3, 4, 5, 17, 21, 80)
PERIODS = ("1 Week", "1 Month", "3 Month", "1 Year")


@dataclass(frozen=True)
class Shape:
    """How many resources of each kind, and how many products pay commission (each needs a detail read)."""

    options: int
    products: int
    coupons: int
    product_coupons: int
    commissions: int


def shape(products: int) -> Shape:
    coupons = products // 10
    return Shape(
        options=max(1, products // 20),
        products=products,
        coupons=coupons,
        product_coupons=coupons // 2,
        commissions=len(range(0, products, 10)),
    )


def catalog_yaml(products: int, *, changed: bool = False, seed: int = 7) -> str:
    """The catalog text; ``changed`` alters every tenth resource of each kind (prices, surcharges, dates)."""
    rng = random.Random(seed)
    sizes = shape(products)
    lines = ["settings:", "  safety: {max_deletes: 0, max_changes: 1000000}", "options:"]
    option_names = [f"OPT-{i:05d}" for i in range(sizes.options)]
    for i, name in enumerate(option_names):
        lines += _option(rng, name, bump=changed and i % 10 == 0)
    lines.append("products:")
    codes = [f"SKU-{i:06d}" for i in range(products)]
    for i, code in enumerate(codes):
        lines += _product(rng, i, code, option_names, bump=changed and i % 10 == 5)
    lines.append("coupons:")
    for i in range(sizes.coupons):
        linked = rng.sample(codes, min(len(codes), rng.randint(1, 3)))
        lines += _coupon(rng, i, linked if i < sizes.product_coupons else [], bump=changed and i % 10 == 3)
    return "\n".join(lines) + "\n"


def _option(rng: random.Random, name: str, *, bump: bool) -> list[str]:
    lines = [f"  {name}:", "    values:"]
    for v in range(rng.randint(2, 4)):
        cents = rng.choice((0, 0, 150, 250, 500)) + (100 if bump and v == 0 else 0)
        lines.append(f"      - {{name: Value {v + 1}, surcharge: {cents / 100:.2f}}}")
    return lines


def _product(rng: random.Random, i: int, code: str, options: list[str], *, bump: bool) -> list[str]:
    price = rng.randint(100, 50000) + (100 if bump else 0)
    lines = [
        f"  {code}:",
        f"    name: Product {i} of the catalog",
        f"    price: {price / 100:.2f}",
        f"    description: Short description of product {i}",
    ]
    if i % 3 == 0:
        lines += ["    tangible: true", f"    weight: {rng.randint(10, 900) / 100:.2f}", "    handling: 1.00"]
    if i % 5 == 1:
        period = rng.choice(PERIODS)
        lines.append(f"    recurring: {{recurrence: {period}, duration: Forever, startup_fee: 5.00}}")
    if i % 10 == 0:
        lines.append(f"    commission: {{type: percentage, amount: {rng.randint(5, 30)}}}")
    if i % 5 < 2:
        lines.append(f"    options: [{', '.join(sorted(rng.sample(options, min(len(options), 2))))}]")
    if i % 2 == 0:
        lines.append(f"    categories: [{rng.choice(CATEGORIES)}]")
    return lines


def _coupon(rng: random.Random, i: int, products: list[str], *, bump: bool) -> list[str]:
    expires = f"{2030 + (1 if bump else 0)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    head = f"  CODE{i:05d}: {{expires: {expires}"
    if products:
        linked = ", ".join(sorted(products))
        return [f"{head}, type: product, value_off: 5.00, minimum_purchase: 0.00, products: [{linked}]}}"]
    if i % 3 == 0:
        return [f"{head}, type: shipping, minimum_purchase: 50.00}}"]
    return [f"{head}, type: sale, percent_off: {rng.randint(5, 50)}, minimum_purchase: 0.00}}"]


def changed_counts(sizes: Shape) -> tuple[int, int, int]:
    """Option, product and coupon updates of ``catalog_yaml(changed=True)``: one request each."""
    return (
        len(range(0, sizes.options, 10)),
        len(range(5, sizes.products, 10)),
        len(range(3, sizes.coupons, 10)),
    )
