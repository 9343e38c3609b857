"""The server's rules for the names a metric logger sends, checked in log() already so that a
bad name fails that call instead of rejecting a whole batch later. The server applies the same
rules (and is the authority); tests/test_logger.py checks that both agree, message for message."""

from __future__ import annotations

import re
import unicodedata

from .errors import invalid

NAME_MAX = 120
METRIC_NAME_MAX = 255
WRITER_ID_MAX = 128
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
QUOTE_MAX = 64
_ESCAPES = {"'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(value: str) -> str:
    """A value as the server quotes it in a message: in single quotes, escaped, cut after 64 code
    points with its length added, so the client's message for a bad name is the server's."""
    shown = []
    for c in value[:QUOTE_MAX]:
        if c in _ESCAPES:
            shown.append(_ESCAPES[c])
        elif _CONTROL.match(c) or unicodedata.category(c) in ("Cf", "Cn", "Cs"):
            shown.append(f"\\u{ord(c):04x}")
        else:
            shown.append(c)
    quoted = "'" + "".join(shown) + "'"
    return quoted if len(value) <= QUOTE_MAX else f"{quoted}... ({len(value)} characters)"


def check_component_name(name: object, field: str = "trial_component_name") -> str:
    if not isinstance(name, str) or not name:
        raise invalid(f"{field}: is required")
    if len(name) > NAME_MAX:
        raise invalid(f"{field}: must be at most {NAME_MAX} characters, has {len(name)}")
    if not _NAME.fullmatch(name):
        raise invalid(f"{field}: must be letters, digits, '-', '_' and '.', starting with a letter or digit: {quote(name)}")
    return name


def check_metric_name(name: object, field: str = "metric_name") -> str:
    if not isinstance(name, str) or not name:
        raise invalid(f"{field}: is required")
    if len(name) > METRIC_NAME_MAX:
        raise invalid(f"{field}: must be at most {METRIC_NAME_MAX} characters, has {len(name)}")
    if _CONTROL.search(name):
        raise invalid(f"{field}: must not contain control characters: {quote(name)}")
    return name


def check_writer_id(writer_id: object) -> str:
    if not isinstance(writer_id, str) or not writer_id or len(writer_id) > WRITER_ID_MAX:
        raise invalid(f"writer_id: must be 1-{WRITER_ID_MAX} characters")
    return writer_id
