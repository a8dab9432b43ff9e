"""Test support shared by both connectors' test suites (not shipped in any image): what Airbyte's standard
tests need to run offline against the AroFlo sandbox."""
