from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
)
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from source_aroflo import manifest
from source_aroflo.components.factory import AroFloComponentFactory


class SourceAroflo(ConcurrentDeclarativeSource):
    """The connector is declared in manifest.yaml; this class binds it to catalog, config and state.

    The manifest reaches the CDK resolved, without the sections only its references use (manifest.py), as the
    `source_config` of the CDK's `ConcurrentDeclarativeSource`; a missing catalog, config or state defaults as
    in the CDK's `YamlDeclarativeSource`, which hands it the file as written.

    The concurrent declarative source builds its streams from the config it is constructed with, and
    `check`/`discover`/`read` ignore the config they are given. A source constructed without a config
    (as Airbyte's standard tests do: `SourceAroflo()`, then `check --config ...`) therefore hands those
    calls to a source constructed with theirs:
    `SourceAroflo().check(logger, config)` -> `SourceAroflo(config=config).check(logger, config)`.
    """

    def __init__(
        self,
        catalog: ConfiguredAirbyteCatalog | None = None,
        config: Mapping[str, Any] | None = None,
        state: list[AirbyteStateMessage] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            catalog=catalog or ConfiguredAirbyteCatalog(streams=[]),
            config=config or {},
            state=state or [],
            source_config=manifest.for_source(),
            **kwargs,
        )
        # The zone streams' cursor and collaborators (components/factory.py); the CDK builds its component
        # factory in its constructor and offers no way to pass one in.
        self._constructor = AroFloComponentFactory.adopt(self._constructor, self._config)
        self._options_without_config = None if config else kwargs

    def _configured_with(
        self,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog | None = None,
        state: list[AirbyteStateMessage] | None = None,
    ) -> SourceAroflo | None:
        """A source constructed with `config` if this one was constructed without a config, else None."""
        if self._options_without_config is None or not config:
            return None
        return type(self)(catalog=catalog, config=config, state=state, **self._options_without_config)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        configured = self._configured_with(config)
        return configured.check(logger, config) if configured else super().check(logger, config)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        configured = self._configured_with(config)
        return configured.discover(logger, config) if configured else super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: list[AirbyteStateMessage] | None = None,
    ) -> Iterator[AirbyteMessage]:
        configured = self._configured_with(config, catalog, state)
        if configured:
            return configured.read(logger, config, catalog, state)
        return super().read(logger, config, catalog, state)
