"""The CDK's private members the connector relies on, in one place (airbyte-cdk 7.39): what each is for.
`unit_tests/test_cdk_private.py` has a test per member, so a CDK upgrade that renames or drops one fails
there, by name, rather than somewhere in a sync.

>>> sorted(PRIVATE_MEMBERS)[0]
'ConcurrentDeclarativeSource._config'
"""

from __future__ import annotations

# "<class>.<member>": why the connector needs it. Methods are overridden or called with the arguments the
# tests check; attributes are read (or, `_api_budget`, replaced) on the instance the CDK built.
PRIVATE_MEMBERS = {
    "ConcurrentDeclarativeSource._constructor": (
        "source.py: the component factory the CDK built in its constructor, adopted (no way to pass one in)"
    ),
    "ConcurrentDeclarativeSource._config": "source.py: the config the source was constructed with",
    "ModelToComponentFactory._init_mappings": (
        "factory.py (adopt): the constructor table holds bound methods, rebound to the overrides"
    ),
    "ModelToComponentFactory._api_budget": "factory.py (adopt): AroFlo's one call rate for every requester",
    "ModelToComponentFactory._build_concurrent_cursor": "factory.py: a zone stream's cursor is its ZoneSync",
    "ModelToComponentFactory._connector_state_manager": "factory.py: each zone stream's state, and others'",
    "ModelToComponentFactory._message_repository": "factory.py: where the cursor emits its state messages",
    "ModelToComponentFactory._stream_name_to_configured_stream": (
        "factory.py: the catalog's sync mode and include_files per stream"
    ),
    "ModelToComponentFactory._create_component_from_model": "factory.py: the file uploader's own parts",
    "ModelToComponentFactory._get_class_from_fully_qualified_class_name": (
        "factory.py: which custom components declare a `sync` or `budget` field"
    ),
    "ModelToComponentFactory._reject_reduce_page_size_action": (
        "factory.py: the file uploader's requester may not reduce page sizes (as the CDK's own uploader)"
    ),
    "ModelToComponentFactory._reject_split_request_window_action": (
        "factory.py: nor split request windows (as the CDK's own uploader)"
    ),
    "ModelToComponentFactory._uses_split_request_window_action": (
        "factory.py: the paginator splits windows itself, so the error handler is marked as using it"
    ),
}
