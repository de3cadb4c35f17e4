"""Multipart uploads (send_file / send_image) from local files and downloaded URLs."""

import json
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from stream_chat import StreamChat, StreamChatAsync
from stream_chat.types.stream_response import StreamResponse

from .support import API_KEY, API_SECRET, BASE_URL, SERVER_TOKEN, Recorder, query_pairs

PNG = b"\x89PNG\r\n\x1a\n-fake-image-\r\n--not-a-boundary"
REMOTE_URL = "https://cdn.test/images/pic.png"


class Part(NamedTuple):
    name: str | None
    filename: str | None
    content_type: str | None
    data: bytes


def parts_of(request: httpx.Request) -> list[Part]:
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content
    )
    payload = message.get_payload()
    assert isinstance(payload, list)
    return [to_part(part) for part in payload if isinstance(part, Message)]


def to_part(part: Message) -> Part:
    data = part.get_payload(decode=True)
    name = part.get_param("name", header="content-disposition")
    assert isinstance(data, bytes) and isinstance(name, str)
    return Part(name, part.get_filename(), part.get("Content-Type"), data)


class Uploads(Recorder):
    """Answers downloads from cdn.test with PNG bytes and everything else like Recorder."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.test":
            request.read()
            self.requests.append(request)
            if request.url.path.endswith("missing.png"):
                return httpx.Response(404, content=b"not found")
            return httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
        return super().__call__(request)


@pytest.fixture
def uploads() -> Uploads:
    return Uploads()


@pytest.fixture
def local_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_bytes(b"line one\r\nline two\n")
    return path


def check_upload_request(request: httpx.Request, path: str, user_agent: str) -> None:
    assert request.method == "POST"
    assert request.url.path == path
    assert query_pairs(request) == [("api_key", API_KEY)]
    assert request.headers["authorization"] == SERVER_TOKEN
    assert request.headers["stream-auth-type"] == "jwt"
    assert request.headers["x-stream-client"] == user_agent


def test_sync_send_file_from_local_path(uploads: Uploads, local_file: Path) -> None:
    with uploads.sync_client() as client:
        reply = client.channel("messaging", "general").send_file(
            str(local_file), "notes.txt", {"id": "ann"}
        )
    assert isinstance(reply, StreamResponse) and reply.status_code() == 200
    request = uploads.last
    check_upload_request(request, "/channels/messaging/general/file", "stream-python-client-4.20.0")
    assert parts_of(request) == [
        Part("user", None, None, b'{"id": "ann"}'),
        Part("file", "notes.txt", None, b"line one\r\nline two\n"),  # sync: no part content type
    ]


def test_sync_send_image_with_content_type(uploads: Uploads, tmp_path: Path) -> None:
    image = tmp_path / "pic.png"
    image.write_bytes(PNG)
    with uploads.sync_client() as client:
        client.channel("messaging", "general").send_image(
            str(image), 'my "pic".png', {"id": "ann"}, "image/png"
        )
    check_upload_request(
        uploads.last, "/channels/messaging/general/image", "stream-python-client-4.20.0"
    )
    assert parts_of(uploads.last)[1] == Part("file", "my %22pic%22.png", "image/png", PNG)


def test_sync_send_image_from_url(uploads: Uploads) -> None:
    with uploads.sync_client() as client:
        client.channel("messaging", "general").send_image(
            REMOTE_URL, "pic.png", {"id": "ann"}, "image/png"
        )
    download, upload = uploads.requests
    assert (download.method, str(download.url)) == ("GET", REMOTE_URL)
    assert "authorization" not in download.headers
    assert download.headers["user-agent"] == "Mozilla/5.0"
    assert parts_of(upload) == [
        Part("user", None, None, b'{"id": "ann"}'),
        Part("file", "pic.png", "image/png", PNG),
    ]


def test_sync_client_send_file_to_any_route(uploads: Uploads, local_file: Path) -> None:
    with uploads.sync_client() as client:
        client.send_file(
            "channels/team/t1/file", str(local_file), "r.txt", {"id": "bob"}, "text/plain"
        )
    assert uploads.last.url.path == "/channels/team/t1/file"
    assert parts_of(uploads.last)[1] == Part(
        "file", "r.txt", "text/plain", b"line one\r\nline two\n"
    )


def test_failed_download_raises_before_uploading(uploads: Uploads) -> None:
    with uploads.sync_client() as client, pytest.raises(httpx.HTTPStatusError):
        client.channel("messaging", "general").send_file(
            "https://cdn.test/missing.png", "m.png", {"id": "ann"}
        )
    assert [r.method for r in uploads.requests] == ["GET"]


def test_missing_local_file(uploads: Uploads, tmp_path: Path) -> None:
    with uploads.sync_client() as client, pytest.raises(FileNotFoundError):
        client.channel("messaging", "general").send_file(
            str(tmp_path / "nope.txt"), "n.txt", {"id": "ann"}
        )
    assert uploads.requests == []


@pytest.mark.asyncio
async def test_async_send_file_from_local_path_defaults_content_type(
    uploads: Uploads, local_file: Path
) -> None:
    async with uploads.async_client() as client:
        reply = await client.channel("messaging", "general").send_file(
            str(local_file), "notes.txt", {"id": "ann"}
        )
    assert reply.status_code() == 200
    check_upload_request(
        uploads.last, "/channels/messaging/general/file", "stream-python-client-aio-4.20.0"
    )
    assert parts_of(uploads.last) == [
        Part("user", None, None, b'{"id": "ann"}'),
        Part("file", "notes.txt", "application/octet-stream", b"line one\r\nline two\n"),
    ]


@pytest.mark.asyncio
async def test_async_send_image_from_url(uploads: Uploads) -> None:
    async with uploads.async_client() as client:
        await client.channel("messaging", "general").send_image(
            REMOTE_URL, "pic.png", {"id": "ann"}, "image/png"
        )
    download, upload = uploads.requests
    assert str(download.url) == REMOTE_URL and "authorization" not in download.headers
    check_upload_request(
        upload, "/channels/messaging/general/image", "stream-python-client-aio-4.20.0"
    )
    assert parts_of(upload)[1] == Part("file", "pic.png", "image/png", PNG)


@pytest.mark.asyncio
async def test_async_client_send_file(uploads: Uploads, local_file: Path) -> None:
    async with uploads.async_client() as client:
        await client.send_file(
            "channels/team/t1/image", str(local_file), "r.txt", {"id": "bob"}, "text/plain"
        )
    assert uploads.last.url.path == "/channels/team/t1/image"
    assert json.loads(parts_of(uploads.last)[0].data) == {"id": "bob"}


def test_upload_body_boundary_is_unique_per_request(uploads: Uploads, local_file: Path) -> None:
    client = StreamChat(
        API_KEY, API_SECRET, base_url=BASE_URL, transport=httpx.MockTransport(uploads)
    )
    channel = client.channel("messaging", "general")
    channel.send_file(str(local_file), "a.txt", {"id": "ann"})
    channel.send_file(str(local_file), "a.txt", {"id": "ann"})
    first, second = (r.headers["content-type"] for r in uploads.requests)
    assert first != second


def test_async_factory_returns_async_channel() -> None:
    from stream_chat.async_chat.channel import Channel

    assert isinstance(StreamChatAsync(API_KEY, API_SECRET).channel("messaging", "general"), Channel)
