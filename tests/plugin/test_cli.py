"""The command-line tools: ``stream-chat-fake verify`` and ``check-cassettes``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest

from fake_server import FakeTransport, create_app
from fake_server.cli import main as fake_main
from fake_server.verify import learn_ids, structure_differences, verify
from stream_chat_testing.__main__ import main as module_main
from stream_chat_testing.cassette import StreamCassette
from stream_chat_testing.sanitize import Scrubber
from stream_chat_testing.transport import CassetteTransport

KEY, SECRET = "cli-key", "cli-secret-0123456789abcdef0123456789abcdef"


def record(path: Path) -> None:
    """A small cassette recorded from the in-process fake: upsert, query, rate limits, an error."""
    fake = create_app(KEY, SECRET)
    cassette = StreamCassette.load(path, "once", scrubber=Scrubber([SECRET], [KEY]), record_target="fake")
    token = jwt.encode({"server": True}, SECRET, algorithm="HS256")
    http = httpx.Client(
        transport=CassetteTransport(cassette, FakeTransport(fake)),
        base_url="http://fake.test",
        headers={"Authorization": token, "stream-auth-type": "jwt"},
        params={"api_key": KEY},
    )
    assert http.post("/users", json={"users": {"ann": {"id": "ann", "name": "Ann"}}}).status_code == 200
    payload = json.dumps({"filter_conditions": {"id": "ann"}})
    assert http.get("/users", params={"api_key": KEY, "payload": payload}).status_code == 200
    assert http.get("/rate_limits", params={"api_key": KEY, "server_side": "true", "endpoints": "QueryUsers"}).status_code == 200
    assert http.get("/users", params={"api_key": KEY, "payload": "not json"}).status_code == 400
    cassette.save()


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    directory = tmp_path / "cassettes"
    record(directory / "test_module" / "test_users.yaml")
    return directory


def test_verify_passes_on_recordings_of_the_fake(cassettes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fake_main(["verify", str(cassettes)]) == 0
    out = capsys.readouterr().out
    assert "UpdateUsers" in out and "QueryUsers" in out and "GetRateLimits" in out
    assert out.strip().endswith("0 drift(s), 0 error(s)")


def test_verify_catches_a_deliberately_changed_response(cassettes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = cassettes / "test_module" / "test_users.yaml"
    text = path.read_text()
    # the recorded upsert answer gains a key, loses one, changes a type; the error changes code
    text = text.replace('name: "Ann"\n              id: "ann"', 'name: "Ann"\n              id: "ann"\n              nickname: "A"', 1)
    text = text.replace("banned: false", 'banned: "no"', 1)
    text = text.replace("code: 4\n", "code: 42\n", 1)
    text = text.replace('x-ratelimit-limit:\n          - "1000"', 'x-ratelimit-limit:\n          - "5"', 1)
    path.write_text(text)
    assert fake_main(["verify", str(cassettes)]) == 1
    out = capsys.readouterr().out
    assert "DRIFT" in out
    assert "nickname: recorded, missing in fake" in out
    assert "banned: recorded string, fake bool" in out
    assert "[error_code] recorded 42, fake 4" in out
    assert "[rate_limit] x-ratelimit-limit: recorded 5, fake 1000" in out

    assert fake_main(["verify", str(cassettes), "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is False
    assert summary["operations"]["UpdateUsers"]["drift"]["structure"] == 2
    assert summary["operations"]["QueryUsers"]["drift"]["error_code"] == 1
    kinds = {d["kind"] for op in summary["operations"].values() for d in op["drifts"]}
    assert kinds == {"structure", "error_code", "rate_limit"}


def test_verify_reports_status_drift(tmp_path: Path) -> None:
    path = tmp_path / "ids.yaml"
    record(path)
    text = path.read_text()
    path.write_text(text.replace("code: 200", "code: 201", 1))
    report = verify(path)
    assert [(d.operation, d.kind) for d in report.drifts] == [("UpdateUsers", "status")]
    assert structure_differences({"a": [{"b": 1}]}, {"a": [{"b": "x", "c": None}]}) == [
        "a[].c: only in fake",
        "a[].b: recorded number, fake string",
    ]


def test_verify_learns_server_generated_ids() -> None:
    mapping: dict[str, str] = {}
    learn_ids(
        {"message": {"id": "recorded-msg-1", "user": {"id": "ann"}}, "task_id": "recorded-task"},
        {"message": {"id": "fake-msg-9", "user": {"id": "ann"}}, "task_id": "fake-task-77"},
        mapping,
    )
    assert mapping == {"recorded-msg-1": "fake-msg-9", "recorded-task": "fake-task-77"}


def test_verify_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fake_main(["verify", str(tmp_path / "missing")]) == 2
    assert fake_main(["verify", str(tmp_path)]) == 2
    (tmp_path / "broken.yaml").write_text("interactions: 3\n")
    assert fake_main(["verify", str(tmp_path)]) == 1
    assert "cannot load" in capsys.readouterr().out


def test_check_cassettes_clean_and_dirty(cassettes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert module_main(["check-cassettes", str(cassettes), "--secret", SECRET]) == 0
    assert fake_main(["check-cassettes", str(cassettes)]) == 0
    capsys.readouterr()
    dirty = tmp_path / "dirty"
    shutil.copytree(cassettes, dirty)
    path = dirty / "test_module" / "test_users.yaml"
    token = jwt.encode({"server": True}, SECRET, algorithm="HS256")
    text = path.read_text().replace('"<redacted>"', json.dumps(token), 1)
    text = text.replace('name: "Ann"', f'name: "{SECRET}"', 1)
    text = text.replace("REDACTED_API_KEY", KEY, 1)
    path.write_text(text + "# api_secret: nothing\n")
    (dirty / "notes.txt").write_text(f"sqs_secret leaked: {token}\n")
    assert module_main(["check-cassettes", str(dirty), "--secret", SECRET]) == 1
    out = capsys.readouterr().out
    assert "JWT-looking string" in out
    assert "known secret" in out
    assert "unscrubbed 'authorization'" in out
    assert "api_key query parameter not scrubbed" in out
    assert "notes.txt:1: JWT-looking string" in out
    assert fake_main(["check-cassettes", str(dirty)]) == 1


def test_check_cassettes_as_a_module_and_console_script(cassettes: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "stream_chat_testing", "check-cassettes", str(cassettes)], capture_output=True, text=True
    )
    assert module.returncode == 0, module.stderr
    assert module.stdout.startswith("ok: no credentials")
    script = Path(sys.executable).with_name("stream-chat-fake")
    if script.exists():
        verified = subprocess.run([str(script), "verify", str(cassettes), "--json"], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert json.loads(verified.stdout)["ok"] is True
    assert module_main(["nonsense"]) == 2
