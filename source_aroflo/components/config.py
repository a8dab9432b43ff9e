"""Config clean-up applied before anything reads the config (the manifest's `config_normalization_rules`).

>>> config = {"secret_key": " abc ", "page_size": None}
>>> StripWhitespace().transform(config); PageSizeDefault().transform(config); config
{'secret_key': 'abc', 'page_size': 500}
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import (
    ConfigTransformation,
)

from aroflo_client.paging import MAX_PAGE_SIZE


def page_size(config: Mapping[str, Any]) -> int:
    """The configured page size; AroFlo's largest (the fewest calls) when none is set."""
    return int(config.get("page_size") or MAX_PAGE_SIZE)


@dataclass
class StripWhitespace(ConfigTransformation):
    """A trailing space pasted with a credential is the most common setup failure: no value keeps one."""

    def transform(self, config: MutableMapping[str, Any]) -> None:
        for key, value in list(config.items()):
            if isinstance(value, str):
                config[key] = value.strip()


@dataclass
class PageSizeDefault(ConfigTransformation):
    """Every reader of `config.page_size` (the manifest's LastUpdate requests, the paginator, the cursor)
    finds one: the page size constant is AroFlo's (aroflo_client/paging.py), written nowhere else."""

    def transform(self, config: MutableMapping[str, Any]) -> None:
        config["page_size"] = page_size(config)
