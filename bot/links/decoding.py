"""Turn fetched bytes into text: header charset, BOM, in-document declaration, then guesses."""

from __future__ import annotations

import codecs
import re
from email.message import Message
from typing import Final

# Labels as browsers treat them (WHATWG Encoding): Shift_JIS is really Windows-31J,
# Latin-1 is really windows-1252, GB2312 is decoded as its superset.
_ALIASES: Final = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-euc-jp": "euc_jp",
}

_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codecs a page may name that are not document encodings; bytes-to-bytes
# codecs (base64, zlib, ...) are caught when decoding fails instead.
_NOT_DOCUMENT_CODECS: Final = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"}
)

PRESCAN_BYTES: Final = 4096

_META_CHARSET: Final = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE
)
_XML_ENCODING: Final = re.compile(
    rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_:.+-]+)["']""", re.IGNORECASE
)

# Strict decodes that all succeed are ranked by how Japanese-looking the result is:
# EUC-JP bytes often decode "successfully" as CP932 into half-width katakana soup.
_FALLBACKS: Final = ("cp932", "euc_jp")


def normalize_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None when unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    cleaned = _ALIASES.get(cleaned, cleaned)
    try:
        name = codecs.lookup(cleaned).name
    except LookupError:
        return None
    return None if name in _NOT_DOCUMENT_CODECS else name


def header_charset(content_type: str | None) -> str | None:
    """The codec named by a Content-Type header's ``charset`` parameter."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    param = message.get_param("charset")
    return normalize_charset(param if isinstance(param, str) else None)


def media_type(content_type: str | None) -> str | None:
    """``text/html; charset=x`` -> ``text/html``."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def declared_charset(body: bytes) -> str | None:
    """The codec declared inside the document (``<meta>`` or XML declaration)."""
    head = body[:PRESCAN_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match is not None:
            codec = normalize_charset(match.group(1).decode("ascii"))
            if codec is not None and codec.startswith("utf_16"):
                # A declaration readable as ASCII cannot be in UTF-16 (WHATWG).
                return "utf-8"
            if codec is not None:
                return codec
    return None


def _japanese_score(text: str) -> int:
    score = 0
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F:
            score += 2
        elif 0xFF61 <= code <= 0xFF9F or 0xE000 <= code <= 0xF8FF or 0x80 <= code <= 0x9F:
            score -= 3
    return score


def _strict(body: bytes, codec: str) -> str | None:
    # A body cut at the byte cap may end inside a multi-byte character.
    for cut in range(4):
        try:
            return body[: max(len(body) - cut, 0)].decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _guess(body: bytes) -> str:
    text = _strict(body, "utf-8")
    if text is not None:
        return text
    candidates = [t for codec in _FALLBACKS if (t := _strict(body, codec)) is not None]
    if candidates:
        # max() keeps the first of equals, so cp932 wins a tie.
        return max(candidates, key=_japanese_score)
    return body.decode("utf-8", errors="replace")


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a document: header charset, BOM, in-document declaration, then guesses.

    Guessing tries UTF-8, then CP932 (Shift_JIS), then EUC-JP, strictly; when both
    Japanese codecs succeed the more Japanese-looking text wins.
    """
    codec = header_charset(content_type)
    if codec is None:
        for bom, bom_codec in _BOMS:
            if body.startswith(bom):
                return body[len(bom) :].decode(bom_codec, errors="replace")
        codec = declared_charset(body)
    if codec is not None:
        try:
            return body.decode(codec, errors="replace")
        except (LookupError, UnicodeError):
            pass  # a declared codec Python knows but that cannot decode documents
    return _guess(body)
