"""A sandbox that stops while a request is on its way answers nothing, as a crashed server would: never a
500 from a closed database (which a client would take for an answer)."""

from __future__ import annotations

import pytest

from catalogsync.sandbox.state import Store, StoreClosed


def test_a_closed_store_refuses_reads_and_writes():
    store = Store(None)
    store.close()
    for use in (store.read, store.write):
        with pytest.raises(StoreClosed), use():
            pass
