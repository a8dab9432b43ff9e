from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import AirbyteStateMessage, ConfiguredAirbyteCatalog
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

from source_aroflo.components.factory import AroFloComponentFactory


class SourceAroflo(YamlDeclarativeSource):
    """The connector is declared in manifest.yaml; this class binds it to catalog, config and state.

    The config must reach the constructor: the concurrent declarative source builds its streams from it.
    """

    def __init__(
        self,
        catalog: ConfiguredAirbyteCatalog | None = None,
        config: Mapping[str, Any] | None = None,
        state: list[AirbyteStateMessage] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(path_to_yaml="manifest.yaml", catalog=catalog, config=config, state=state, **kwargs)
        # The zone streams' cursor and collaborators (components/factory.py); the CDK builds its component
        # factory in its constructor and offers no way to pass one in.
        self._constructor = AroFloComponentFactory.adopt(self._constructor, self._config)
