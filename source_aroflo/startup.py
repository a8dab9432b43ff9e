"""The garbage collector held off while `source-aroflo` imports the CDK (run.py).

Importing the CDK creates about 100,000 objects that live as long as the process (modules, classes, the
protocol's serializers, the declarative models) and almost no garbage (2,476 objects in reference cycles,
0.6 MB). The collector's passes during the import found nothing and took 0.3 of the 2.2 CPU s before the
first request (they grow with the heap: its full passes went over everything made so far, nine times by the
first request). So `run.py` pauses it before the import; after it, the objects made so far are moved out of
the collector's sight for good (`gc.freeze`: later passes, during the read too, skip them) and it runs again.
What follows (building the source and its streams, the read) makes garbage in cycles (the models' validation
errors) and runs with the collector as before. The import's own few cycles stay until the process ends: a
`gc.collect()` to free them would cost 0.08 CPU s for 0.6 MB.

Only `source-aroflo` pauses it: a source used in-process (tests, Python callers) is not affected.

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
