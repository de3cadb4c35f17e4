"""A minimal multipart/form-data encoder.

httpx always guesses a part content type when none is given; the sync SDK must be able to send
a file part without one, so the two-part upload body is built here.
"""

import json
import os

from stream_chat.base.request import Upload


def encode_upload(upload: Upload) -> tuple[bytes, str]:
    """Return the body and its ``Content-Type`` header value (with the boundary)."""
    boundary = os.urandom(16).hex()
    delimiter = f"--{boundary}\r\n".encode()
    file_headers = (
        f'Content-Disposition: form-data; name="file"; filename="{_quote(upload.filename)}"\r\n'
    )
    if upload.content_type is not None:
        file_headers += f"Content-Type: {upload.content_type}\r\n"
    body = b"".join(
        [
            delimiter,
            b'Content-Disposition: form-data; name="user"\r\n\r\n',
            json.dumps(upload.user).encode(),
            b"\r\n",
            delimiter,
            file_headers.encode(),
            b"\r\n",
            upload.content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _quote(filename: str) -> str:
    return (
        filename.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    )
