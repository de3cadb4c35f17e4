import pytest

from .support import Recorder


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
