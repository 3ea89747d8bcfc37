"""Source URLs: scheme checks and normalisation so one source has one key."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "ref_url",
        "s_cid",
        "spm",
        "si",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# One arXiv identifier grammar: new style 2301.00808, old style hep-th/9901001 or math.GT/0309136.
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org"})
# Any page of a paper: its abstract, PDF, HTML, formats or PostScript, and anything below them.
_ARXIV_PAGE = re.compile(rf"/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}(?:\.pdf)?(?:/.*)?")
_ARXIV_LABEL = re.compile(rf"arxiv:\s*{_ARXIV_ID}", re.IGNORECASE)
# The paper itself (exact=True): only these hosts and forms, nothing after the id but ".pdf" or
# "/". normalize_url has always keyed sources by it; keys are stored (topics.normalized_url)
# and hashed into BibTeX keys, so this rule stays as it was. The category may start with "-".
_ARXIV_EXACT_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
_ARXIV_EXACT = re.compile(
    r"/(?:abs|pdf|html|format)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
    r"(?:v\d+)?(?:\.pdf)?/?"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def arxiv_id(text: str, *, exact: bool = False) -> str | None:
    """The arXiv identifier (without version) of an arXiv link, else None.

    By default any link to a paper on arXiv: an ``arXiv:ID`` label (what :func:`normalize_url`
    makes of an arXiv URL), or an http(s) URL on arxiv.org or export.arxiv.org (``www.``
    allowed) to an abs, pdf, html, format or ps page, with anything after the identifier.

    ``exact=True`` is the source key's rule (:func:`normalize_url`): an abs, pdf, html or format
    URL of any scheme on arxiv.org, www.arxiv.org or export.arxiv.org, with nothing after the
    identifier but a version, ``.pdf`` or ``/``; no label.
    """
    text = text.strip()
    if not exact and (label := _ARXIV_LABEL.fullmatch(text)) is not None:
        return label.group("id")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = parts.hostname or ""
    if exact:
        if host not in _ARXIV_EXACT_HOSTS:
            return None
        match = _ARXIV_EXACT.fullmatch(parts.path)
    else:
        if (
            parts.scheme.lower() not in _DEFAULT_PORTS
            or host.removeprefix("www.") not in _ARXIV_HOSTS
        ):
            return None
        match = _ARXIV_PAGE.fullmatch(parts.path)
    return match.group("id") if match else None


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """One key per source: arXiv forms to ``arxiv:ID``; tracking, port and fragment gone."""
    url = url.strip()
    found = arxiv_id(url, exact=True)
    if found is not None:
        return f"arxiv:{found}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def clean_url(url: str) -> str:
    """The URL to show and link: tracking parameters removed, everything else kept."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))
