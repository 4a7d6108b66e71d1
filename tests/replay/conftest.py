"""Fixtures of the replay tests: a fake Hotjar on loopback, healthy, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_hotjar import FakeHotjar


@pytest.fixture
def fake() -> Iterator[FakeHotjar]:
    """A healthy fake Hotjar on loopback, stopped after the test.

    Its bootstrap starts on the tests' `http:` loopback page, as Hotjar's does with `_hjSettings.preview`; calls
    go over HTTP posts."""
    server = FakeHotjar(allow_http=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def websocket_fake() -> Iterator[FakeHotjar]:
    """The same healthy fake Hotjar, whose client sends every call over a WebSocket."""
    server = FakeHotjar(allow_http=True, channel="websocket")
    try:
        yield server
    finally:
        server.stop()
