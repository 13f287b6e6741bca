"""Loading what lives as long as the process, out of the garbage collector's way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Imports and the code location are millions of objects that live as long as the
    process. Python's collector walks them again and again while they are created (about 1 s
    of a refresh's start) and at each later pass (seconds per run and at exit): it is off while
    they load, and they are frozen out of its passes once loaded."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
