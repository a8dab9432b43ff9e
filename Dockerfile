# syntax=docker/dockerfile:1
# The image Airbyte runs: `docker build -t airbyte/source-aroflo:dev .`
#
# BASE_IMAGE defaults to Airbyte's python-connector-base (Python 3.11, user `airbyte`), pinned by digest;
# keep it equal to `connectorBuildOptions.baseImage` in metadata.yaml (unit_tests/test_metadata.py checks).
# Only machines that cannot pull it pass another one (scripts/docker_check.py uses a local stand-in).
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73

# ---- build stage: the pinned requirements (from uv.lock, with hashes) and the connector's wheels -------
FROM ${BASE_IMAGE} AS builder
WORKDIR /build
ENV UV_NATIVE_TLS=1 UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1
RUN pip install --no-cache-dir --disable-pip-version-check uv==0.9.30
COPY pyproject.toml uv.lock README.md ./
COPY source_aroflo ./source_aroflo
# The AroFlo client code the source shares with destination-aroflo (its own distribution in the workspace).
COPY aroflo-client ./aroflo-client
RUN uv export --frozen --no-dev --package source-aroflo --no-emit-workspace --format requirements-txt \
        --output-file requirements.txt \
    && uv build --wheel --out-dir dist --package aroflo-client \
    && uv build --wheel --out-dir dist --package source-aroflo

# ---- final stage: the base image plus the installed packages; no uv, no build backend, no sources or tests
FROM ${BASE_IMAGE}
WORKDIR /airbyte/integration_code
USER root
RUN --mount=type=bind,from=builder,source=/build,target=/build \
    pip install --no-cache-dir --disable-pip-version-check --require-hashes -r /build/requirements.txt \
    && pip install --no-cache-dir --disable-pip-version-check --no-deps /build/dist/*.whl \
    && source-aroflo spec >/dev/null

ENV AIRBYTE_ENTRYPOINT="source-aroflo"
ENTRYPOINT ["source-aroflo"]

# In step with metadata.yaml (dockerRepository, dockerImageTag) and pyproject.toml's version.
LABEL io.airbyte.name=airbyte/source-aroflo
LABEL io.airbyte.version=0.4.1

USER airbyte
