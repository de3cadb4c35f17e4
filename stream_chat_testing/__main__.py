"""``python -m stream_chat_testing check-cassettes DIR [--secret VALUE ...]``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = "usage: python -m stream_chat_testing check-cassettes DIR [--secret VALUE ...]"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if arguments else 2
    command, rest = arguments[0], arguments[1:]
    if command == "check-cassettes":
        from stream_chat_testing.check import main as check

        return check(rest, prog="python -m stream_chat_testing check-cassettes")
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
