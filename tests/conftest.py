"""Test-wide settings: the runs of the suite cache into a temporary directory, not the user's."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from codegen.run.cache import CACHE_ENV

_CACHE = tempfile.mkdtemp(prefix="golem-codegen-test-cache-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ[CACHE_ENV] = _CACHE  # subprocesses (the CLI, pre-commit) inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)
