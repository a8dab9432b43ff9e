"""Config clean-up applied before anything reads the config."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import (
    ConfigTransformation,
)


@dataclass
class StripWhitespace(ConfigTransformation):
    """A trailing space pasted with a credential is the most common setup failure: no value keeps one."""

    def transform(self, config: MutableMapping[str, Any]) -> None:
        for key, value in list(config.items()):
            if isinstance(value, str):
                config[key] = value.strip()
