# labkit classroom image: an interactive shell with the kit, the labs and the README.
#
# Build context: the repository root. Two ways to build it:
#   offline   `nox -s classroom` (labkit.images): BASE is labkit-base-classroom:<hash>, built
#             from Debian packages (python3.13/3.14/3.15, rich, psutil, pytest, jsonschema): no registry,
#             no PyPI, the RUN steps have no network;
#   online    .devcontainer/devcontainer.json, or by hand:
#             docker build -f docker/classroom.Dockerfile -t labkit-classroom .
#             BASE defaults to python:3.14-slim and the missing Python packages come from PyPI.
ARG BASE=python:3.14-slim
FROM ${BASE}
ARG PYTHON=python3.14
ARG UID=1000

RUN set -eu; \
    if ! "$PYTHON" -c 'import rich, psutil, pytest, jsonschema' 2>/dev/null; then \
        "$PYTHON" -m pip install --no-cache-dir --root-user-action=ignore \
            'rich>=13' 'psutil>=5.9' 'pytest>=8' 'jsonschema>=4.10'; \
    fi; \
    "$PYTHON" -c 'import multiprocessing as mp, rich, psutil, pytest, jsonschema; print("start methods:", mp.get_all_start_methods())'; \
    grep -q '^lab:' /etc/group || echo "lab:x:${UID}:" >> /etc/group; \
    grep -q '^lab:' /etc/passwd || echo "lab:x:${UID}:${UID}:labkit student:/home/lab:/bin/bash" >> /etc/passwd; \
    mkdir -p /home/lab/labkit; chown -R "${UID}:${UID}" /home/lab; \
    printf '#!/bin/sh\nexec %s -m labkit "$@"\n' "$PYTHON" > /usr/local/bin/labkit; \
    chmod 0755 /usr/local/bin/labkit

# The kit, the labs and the README, owned by the student so labs can be edited and re-run.
COPY --chown=${UID}:${UID} src /home/lab/labkit/src
COPY --chown=${UID}:${UID} labs /home/lab/labkit/labs
COPY --chown=${UID}:${UID} exercises /home/lab/labkit/exercises
COPY --chown=${UID}:${UID} docker/classroom-bashrc /home/lab/.bashrc
COPY --chown=${UID}:${UID} pyproject.toml README.m[d] /home/lab/labkit/

ENV LANG=C.UTF-8 \
    PYTHONPATH=/home/lab/labkit/src \
    LABKIT_LABS=/home/lab/labkit/labs \
    LABKIT_PYTHON=${PYTHON} \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/lab
USER ${UID}:${UID}
WORKDIR /home/lab/labkit
CMD ["/bin/bash"]
