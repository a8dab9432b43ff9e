"""What `source-aroflo` changes while it imports the CDK (run.py): the garbage collector held off, and the
source of a class read once.

**The collector.**
Importing the CDK creates about 100,000 objects that live as long as the process (modules, classes, the
protocol's serializers, the declarative models) and almost no garbage (2,476 objects in reference cycles,
0.6 MB). The collector's passes during the import found nothing and took 0.3 of the 2.2 CPU s before the
first request (they grow with the heap: its full passes went over everything made so far, nine times by the
first request). So `run.py` pauses it before the import; after it, the objects made so far are moved out of
the collector's sight for good (`gc.freeze`: later passes, during the read too, skip them) and it runs again.
What follows (building the source and its streams, the read) makes garbage in cycles (the models' validation
errors) and runs with the collector as before. The import's own few cycles stay until the process ends: a
`gc.collect()` to free them would cost 0.08 CPU s for 0.6 MB.

**Class sources.** The CDK's protocol serializers (serpyco_rs, at import) read the docstrings of every
protocol class's attributes from its source and its bases' sources: `inspect.getsource(enum.Enum)` once per
enum of the protocol, sixteen times, and Python 3.11 parses all of enum.py to find the class each time. A
class's source is the same text throughout the import, so `run.py` has `inspect.getsource` remember it per
class for the import alone; afterwards inspect is as it was. Importing the CDK went from 1.05 to 0.79 CPU s
(medians of 7 `make bench-startup` runs, 2026-12-07).

Only `source-aroflo` does either: a source used in-process (tests, Python callers) is not affected.

>>> import gc
>>> with paused_while_importing():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def paused_while_importing() -> Iterator[None]:
    """The collector off for the block (the CDK's import); then what it made frozen, and the collector on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def class_sources_remembered() -> Iterator[None]:
    """`inspect.getsource` answers once per class within the block; other objects as before.

    >>> import enum, inspect
    >>> with class_sources_remembered():
    ...     inspect.getsource(enum.Enum) is inspect.getsource(enum.Enum)
    True
    >>> inspect.getsource(enum.Enum) is inspect.getsource(enum.Enum)
    False
    """
    import inspect

    original = inspect.getsource
    sources: dict[type, str] = {}

    def getsource(obj: Any) -> str:
        if not isinstance(obj, type):
            return original(obj)
        if obj not in sources:
            sources[obj] = original(obj)  # an error (no source) is raised each time, as before
        return sources[obj]

    inspect.getsource = getsource  # type: ignore[assignment]  # the same call
    try:
        yield
    finally:
        inspect.getsource = original
