"""The benchmark of issue 13: the connector's cost per record next to a minimal reader (see README.md)."""
