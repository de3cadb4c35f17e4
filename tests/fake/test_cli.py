"""`stream-chat-fake`: flags, environment defaults, the start-up block and a clean Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
import jwt
import pytest

from fake_server.cli import banner, build_parser


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STREAM_KEY", raising=False)
    monkeypatch.delenv("STREAM_SECRET", raising=False)
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.api_key, args.api_secret, args.apps, args.log_level) == (
        "127.0.0.1", 8765, "STREAM_KEY", "STREAM_SECRET", [], "warning",
    )


def test_environment_supplies_the_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_KEY", "env-key")
    monkeypatch.setenv("STREAM_SECRET", "env-secret")
    args = build_parser().parse_args([])
    assert (args.api_key, args.api_secret) == ("env-key", "env-secret")
    args = build_parser().parse_args(["--api-key", "flag-key"])
    assert args.api_key == "flag-key"


def test_more_apps_and_bad_app_values() -> None:
    args = build_parser().parse_args(["--app", "a:1", "--app", "b:2"])
    assert args.apps == [("a", "1"), ("b", "2")]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--app", "no-secret"])


def test_banner_shows_url_credentials_and_the_sdk_lines() -> None:
    text = banner("http://127.0.0.1:8765", "KEY", "SECRET", [("other", "s2")])
    assert "http://127.0.0.1:8765" in text
    assert 'os.environ["STREAM_CHAT_URL"] = "http://127.0.0.1:8765"' in text
    assert 'StreamChat(api_key="KEY", api_secret="SECRET")' in text
    assert "other / s2" in text


def test_serves_until_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_server", "--port", "0", "--app", "second:second-secret"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "STREAM_KEY": "", "STREAM_SECRET": ""},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"running at (http://127\.0\.0\.1:\d+)", first)
        assert match is not None, first
        base_url = match.group(1)
        for key, secret in (("STREAM_KEY", "STREAM_SECRET"), ("second", "second-secret")):
            token = jwt.encode({"server": True}, secret, algorithm="HS256")
            response = httpx.get(
                f"{base_url}/app",
                params={"api_key": key},
                headers={"Authorization": token, "stream-auth-type": "jwt"},
                timeout=10,
            )
            assert response.status_code == 200, response.text
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "stopped" in output
    assert "Traceback" not in output
