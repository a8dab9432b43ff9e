from source_aroflo.source import SourceAroflo

__all__ = ["SourceAroflo"]
