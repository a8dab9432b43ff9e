"""source-aroflo. `SourceAroflo` (source.py) is imported when first asked for: `source-aroflo spec` runs
without the CDK (run.py), and importing this package must not bring it in.

>>> import source_aroflo
>>> source_aroflo.SourceAroflo.__name__
'SourceAroflo'
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from source_aroflo.source import SourceAroflo

__all__ = ["SourceAroflo"]


def __getattr__(name: str) -> Any:
    if name == "SourceAroflo":
        from source_aroflo.source import SourceAroflo

        return SourceAroflo
    raise AttributeError(f"module 'source_aroflo' has no attribute {name!r}")
