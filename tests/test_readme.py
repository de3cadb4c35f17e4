"""The README's Quick start: two commands, and its Python examples run against a live fake."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_server import create_app
from fake_server.live import LiveServer

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
DEFAULT_URL = "http://127.0.0.1:8765"


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match is not None, f"README has no '## {title}' section"
    return match.group(1)


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_quick_start_is_exactly_two_commands() -> None:
    section = _section("Quick start")
    [commands] = re.findall(r"```sh\n(.*?)```", section, re.S)
    lines = [line for line in commands.splitlines() if line.strip()]
    assert lines == ['pip install -e ".[test]" && stream-chat-fake', "pytest"]


def test_the_cli_defaults_match_the_quick_start() -> None:
    from fake_server.cli import DEFAULT_HOST, DEFAULT_PORT, build_parser

    args = build_parser().parse_args([])
    assert (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8765)
    assert f"http://{args.host}:{args.port}" == DEFAULT_URL


@pytest.fixture
def live_default_app() -> Iterator[str]:
    """The fake on a free port with the CLI's default app (a test must not take port 8765)."""
    server = LiveServer(create_app()).start()
    yield server.base_url
    server.stop()


@pytest.mark.parametrize("index", [0, 1], ids=["sync", "async"])
def test_quick_start_examples_run(index: int, live_default_app: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _python_blocks(_section("Quick start"))[index].replace(DEFAULT_URL, live_default_app)
    monkeypatch.setenv("STREAM_CHAT_URL", live_default_app)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(source, f"README-quick-start-{index}", "exec"), {"__name__": "__readme__"})
    lines = output.getvalue().splitlines()
    assert lines[0] == "<class 'stream_chat.types.stream_response.StreamResponse'>"
    assert lines[1] == "bruce_lee"
    assert re.fullmatch(r"60 / 5\d / \d{4}-\d\d-\d\d \d\d:\d\d:00\+00:00", lines[2])
    assert "'x-ratelimit-limit': '60'" in lines[3]
    assert lines[4] == "200"


def test_python_m_fake_server_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_server", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    for flag in ("--host", "--port", "--api-key", "--api-secret", "--app", "--log-level"):
        assert flag in result.stdout


def _plugin_examples() -> list[str]:
    return [block for block in _python_blocks(_section("Testing with the pytest plugin")) if "def test_" in block]


def test_plugin_examples_pass(pytester: pytest.Pytester) -> None:
    examples = _plugin_examples()
    assert len(examples) == 2
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(**{f"test_readme_example_{n}": source for n, source in enumerate(examples)})
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(examples))
