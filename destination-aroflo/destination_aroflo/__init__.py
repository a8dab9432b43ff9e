from destination_aroflo.destination import DestinationAroflo

__all__ = ["DestinationAroflo"]
