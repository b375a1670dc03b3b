"""Lower bounds of wall time: the fewest requests the API allows, scheduled at a given parallelism.

Reads: the company info and page 1 of each list come first (page 1 gives the total); the other pages and
the detail calls the list lacks follow: every product with a commission (lists lack the amount) and every
product coupon (lists lack the links), for a plan that declares them all. Writes run by
dependency level (options, then products, then coupons), each level after the one before; an update reads
its resource first (apply refuses to overwrite a change made after the plan read it). A round is one
latency: at most ``parallelism`` requests, none waiting on another of the same round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from benchmarks.generate import Shape

PAGESIZE = 100
ROOTS = 4
"""``detail_company_info`` and page 1 of ``list_options``, ``list_products`` and ``list_coupons``."""


@dataclass(frozen=True)
class Bound:
    requests: int
    rounds: int

    def seconds(self, latency_ms: float) -> float:
        return self.rounds * latency_ms / 1000

    def __add__(self, other: Bound) -> Bound:
        return Bound(self.requests + other.requests, self.rounds + other.rounds)


def read_all(sizes: Shape, parallelism: int) -> Bound:
    """Reading the whole account for a plan that declares all of it: every page, plus the detail calls the
    lists lack. Sale and shipping coupons need none: their list items are complete, since the generated
    percentages are whole percents, which the list's fractions (``"0.25"``) give exactly (reference §8.7)."""
    pages = [max(1, math.ceil(n / PAGESIZE)) for n in (sizes.options, sizes.products, sizes.coupons)]
    requests = 1 + sum(pages) + sizes.commissions + sizes.product_coupons
    depth = 1 if requests == ROOTS else 3 if max(pages[1:]) > 1 else 2
    rest = requests - min(parallelism, ROOTS)
    return Bound(requests, max(depth, 1 + math.ceil(rest / parallelism)))


def read_empty(parallelism: int) -> Bound:
    """Reading an empty account: the company info and one (empty) page of each list."""
    return Bound(ROOTS, math.ceil(ROOTS / parallelism))


def writes(levels: tuple[int, ...], parallelism: int) -> Bound:
    """Writes of each dependency level, one level after the other."""
    return Bound(sum(levels), sum(math.ceil(n / parallelism) for n in levels))


def updates(levels: tuple[int, ...], parallelism: int) -> Bound:
    """Updates of each dependency level: each reads its resource (``detail_*``) before it writes it."""
    return Bound(2 * sum(levels), sum(2 * math.ceil(n / parallelism) for n in levels))


def per_resource(sizes: Shape, parallelism: int) -> Bound:
    """One detail call per resource (a Terraform-style refresh)."""
    requests = sizes.options + sizes.products + sizes.coupons
    return Bound(requests, math.ceil(requests / parallelism))
