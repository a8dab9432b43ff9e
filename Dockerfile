# The image Airbyte runs. Real builds use Airbyte's python-connector-base (Python 3.11), pinned by digest.
ARG BASE_IMAGE=docker.io/airbyte/python-connector-base:4.0.2@sha256:9fdb1888c4264cf6fee473649ecb593f56f58e5d0096a87ee0b231777e2e3e73
FROM ${BASE_IMAGE}

WORKDIR /airbyte/integration_code
COPY pyproject.toml uv.lock README.md ./
COPY source_aroflo ./source_aroflo
RUN pip install --no-cache-dir . && rm -rf /root/.cache

ENV AIRBYTE_ENTRYPOINT="source-aroflo"
ENTRYPOINT ["source-aroflo"]
LABEL io.airbyte.name=airbyte/source-aroflo io.airbyte.version=0.1.0
USER airbyte
