"""Registration: entry point, options, markers, lazy imports, asyncio modes, coexistence, xdist."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from .conftest import INI, NO_NETWORK_CONFTEST, cassette_files


def test_registered_through_the_pytest11_entry_point() -> None:
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "stream_chat"]
    assert entry.value == "stream_chat_testing.plugin"


def test_options_are_prefixed_and_grouped(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(["*Stream Chat testing*"])
    text = result.stdout.str()
    for option in (
        "--stream-chat-backend",
        "--stream-chat-record-mode",
        "--stream-chat-record-target",
        "--stream-chat-cassette-dir",
        "--stream-chat-shift-ratelimit-reset",
    ):
        assert option in text
    section = text.split("Stream Chat testing", 1)[1].split("\n\n", 1)[0]
    assert all(line.strip().startswith("--stream-chat-") for line in section.splitlines()[1:] if line.startswith("  --"))


def test_markers_registered_and_strict_markers_pass(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.stream_chat_cassette(*", "@pytest.mark.stream_chat_backends(*"])
    project.makepyfile(
        """
        import pytest

        @pytest.mark.stream_chat_cassette("name", record_mode="none")
        @pytest.mark.stream_chat_backends("fake")
        def test_marked():
            pass
        """
    )
    project.runpytest_inprocess("--strict-markers").assert_outcomes(passed=1)


def test_bad_option_values_are_usage_errors(project: pytest.Pytester) -> None:
    project.makepyfile("def test_nothing(): pass")
    result = project.runpytest_inprocess("--stream-chat-backend=live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*STREAM_KEY and STREAM_SECRET*"])
    project.makeini(INI + "stream_chat_record_mode = sometimes\n")
    result = project.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_backends_marker_skips_other_backends(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        @pytest.mark.stream_chat_backends("replay", "live")
        def test_not_on_fake():
            pass

        @pytest.mark.stream_chat_backends("fake")
        def test_on_fake(stream_chat_backend):
            assert stream_chat_backend == "fake"
        """
    )
    project.runpytest_inprocess("-rs").assert_outcomes(passed=1, skipped=1)


def test_plugin_import_is_lazy_and_harmless() -> None:
    """Importing the plugin imports neither vcrpy, YAML, httpx, the fake nor the SDK."""
    code = (
        "import sys, stream_chat_testing.plugin\n"
        "heavy = [m for m in ('vcr', 'yaml', 'httpx', 'fake_server', 'stream_chat', 'starlette') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_a_suite_without_stream_chat_is_untouched(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import sys

        def test_plain():
            assert "vcr" not in sys.modules or True
            assert 1 + 1 == 2
        """
    )
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_vcrpy_is_imported_only_when_a_cassette_is_used(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import sys

        def test_uses_fake(stream_chat_fake):
            stream_chat_fake.client.upsert_user({"id": "ann"})
            assert "vcr" not in sys.modules

        def test_uses_cassette(stream_chat_cassette):
            assert "vcr" in sys.modules
        """
    )
    # a fresh interpreter, without pytest-recording (which imports vcrpy itself)
    project.runpytest_subprocess("-p", "no:recording").assert_outcomes(passed=2)


ASYNC_TESTS = """
import pytest

@pytest.mark.asyncio
async def test_async_client(stream_chat_async_client):
    response = await stream_chat_async_client.upsert_user({"id": "ann"})
    assert response.status_code() == 200

@pytest.mark.asyncio
async def test_async_factory(stream_chat_fake):
    client = stream_chat_fake.async_client()
    assert (await client.query_users({"id": "ann"}))["users"] == []

def test_sync(stream_chat_client):
    assert stream_chat_client.upsert_user({"id": "ann"}).status_code() == 200
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_pytest_asyncio_modes(project: pytest.Pytester, mode: str) -> None:
    project.makepyfile(ASYNC_TESTS)
    project.runpytest_inprocess("-o", f"asyncio_mode={mode}").assert_outcomes(passed=3)


def test_coexists_with_pytest_recording_respx_and_pytest_httpx(project: pytest.Pytester) -> None:
    """All three installed and active in one session: no clash, no capture of the fake's traffic."""
    project.makepyfile(
        """
        import httpx
        import pytest

        ORIGINAL = httpx.HTTPTransport.handle_request

        @pytest.mark.vcr
        def test_vcr_cassette_does_not_capture_the_fake(stream_chat_fake, vcr):
            stream_chat_fake.client.upsert_user({"id": "ann"})
            assert len(vcr) == 0  # vcrpy saw nothing: the fake has its own transport

        def test_with_respx(respx_mock, stream_chat_fake):
            respx_mock.get("https://example.test/x").respond(json={"ok": True})
            assert httpx.get("https://example.test/x").json() == {"ok": True}
            assert stream_chat_fake.client.query_users({"id": "ann"})["users"] == []

        def test_with_pytest_httpx(httpx_mock, stream_chat_fake):
            httpx_mock.add_response(url="https://example.test/y", json={"ok": 1})
            assert httpx.get("https://example.test/y").json() == {"ok": 1}
            stream_chat_fake.client.upsert_user({"id": "bob"})

        def test_cassette_patches_nothing_globally(stream_chat_cassette):
            assert httpx.HTTPTransport.handle_request is ORIGINAL
            assert type(stream_chat_cassette.client._http._transport).__name__ == "CassetteTransport"

        def test_pytest_recording_options_still_work(record_mode, vcr_config):
            assert record_mode == "none" and vcr_config == {}
        """
    )
    result = project.runpytest_inprocess("--record-mode=none", "--stream-chat-record-mode=none")
    result.assert_outcomes(passed=5)
    assert not (project.path / "cassettes").exists()  # nothing recorded by anyone


def test_xdist_two_workers_record_their_own_files(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_many="""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_record(stream_chat_cassette, stream_chat_ids, n):
            user = stream_chat_ids.id(f"user{n}")
            stream_chat_cassette.client.upsert_user({"id": user})
            assert stream_chat_cassette.client.query_users({"id": user})["users"][0]["id"] == user
            print(os.environ.get("PYTEST_XDIST_WORKER"))
        """
    )
    recorded = project.runpytest_inprocess(
        "-n", "2", "--stream-chat-record-mode=once", "--stream-chat-record-target=fake"
    )
    recorded.assert_outcomes(passed=6)
    files = cassette_files(project.path)
    assert len(files) == 6
    assert not list((project.path / "cassettes").rglob("*.tmp"))
    project.makeconftest(NO_NETWORK_CONFTEST)
    project.runpytest_inprocess("-n", "2").assert_outcomes(passed=6)
