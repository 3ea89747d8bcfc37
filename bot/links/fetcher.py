"""Fetch a web page without reaching internal addresses: pinned DNS, checked redirects, caps."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import httpx

from bot.links.decoding import decode_body, media_type
from bot.links.safety import (
    INVALID_URL,
    LOOPBACK_ADDRESS,
    IPAddress,
    UrlTarget,
    check_address,
    parse_address,
    parse_target,
)
from bot.links.transport import PinnedTransport

_log = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> addresses``; the default wraps ``socket.getaddrinfo``."""

TransportFactory = Callable[[str, float], httpx.BaseTransport]
"""``(checked IP, monotonic deadline) -> transport`` used for one request."""

DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_MAX_REDIRECTS: Final = 3
DEFAULT_MAX_BYTES: Final = 1024 * 1024
USER_AGENT: Final = "studybot/0.1 (link titles for a study-group Slack bot)"

# Stable error codes of the fetcher itself; refusals use the codes of bot.links.safety.
TIMEOUT: Final = "timeout"
DNS_ERROR: Final = "dns_error"
DNS_NO_ADDRESS: Final = "dns_no_address"
CONNECT_ERROR: Final = "connect_error"
TLS_ERROR: Final = "tls_error"
PROTOCOL_ERROR: Final = "protocol_error"
NETWORK_ERROR: Final = "network_error"
HTTP_ERROR: Final = "http_error"
TOO_MANY_REDIRECTS: Final = "too_many_redirects"
UNSUPPORTED_ENCODING: Final = "unsupported_content_encoding"
DECODING_ERROR: Final = "decoding_error"

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_TEXT_MEDIA_TYPES: Final = frozenset(
    {"application/xhtml+xml", "application/xml", "application/json", "application/javascript"}
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Outcome of one fetch; ``error`` is a stable code, None on success.

    ``text`` is None when the body was not read: an error, or a non-text content
    type (PDF, images, ...). ``truncated`` says the body exceeded the byte cap.
    """

    url: str
    final_url: str
    status: int | None = None
    content_type: str | None = None
    text: str | None = None
    error: str | None = None
    redirects: int = 0
    bytes_read: int = 0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str
    status: int


class _DeadlineExceeded(Exception):
    pass


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the system resolver; addresses in resolver order, deduplicated."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_before(deadline: float, resolver: Resolver, host: str, port: int) -> list[str]:
    """Run ``resolver`` but give up at ``deadline``: getaddrinfo has no timeout of its own."""
    answers: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            answers.append(resolver(host, port))
        except BaseException as exc:  # handed to the caller's thread below
            errors.append(exc)

    worker = threading.Thread(target=run, name="safe-fetch-resolve", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise _DeadlineExceeded
    if errors:
        raise errors[0]
    return answers[0]


def _is_text(content_type: str | None) -> bool:
    kind = media_type(content_type)
    if kind is None:
        return True
    return (
        kind.startswith("text/")
        or kind in _TEXT_MEDIA_TYPES
        or kind.endswith("+xml")
        or kind.endswith("+json")
    )


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _Inflater:
    """Bounded gzip/deflate decoding: never produces more than asked for."""

    def __init__(self) -> None:
        # 32 + MAX_WBITS accepts both the gzip and the zlib container.
        self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)

    def feed(self, data: bytes, max_length: int) -> bytes:
        return self._zlib.decompress(data, max_length)


class SafeFetcher:
    """Fetches http(s) pages for their titles without reaching internal addresses.

    Each hop is parsed, resolved once, every answer checked, and the request sent to
    the checked IP itself (``Host`` header and TLS SNI keep the name), so a DNS answer
    that changes between check and connect cannot redirect the connection. Redirects
    are followed by hand and re-checked; one deadline bounds the whole fetch.

    ``allow_loopback_for_tests`` lists exact ``(host, port)`` pairs, host as written in
    the URL (``"127.0.0.1"``, ``"::1"``), for which loopback answers are accepted. It
    exists for tests against a local server and must stay empty in production.
    """

    def __init__(
        self,
        *,
        resolver: Resolver = system_resolver,
        transport_factory: TransportFactory | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = USER_AGENT,
        allow_loopback_for_tests: frozenset[tuple[str, int]] = frozenset(),
    ) -> None:
        if timeout <= 0 or max_redirects < 0 or max_bytes <= 0:
            raise ValueError("timeout and max_bytes must be positive, max_redirects >= 0")
        self._resolver = resolver
        self._transport_factory = transport_factory or self._pinned_transport
        self._timeout = timeout
        self._max_redirects = max_redirects
        self._max_bytes = max_bytes
        self._ssl_context = ssl_context
        self._ssl_lock = threading.Lock()
        self._headers = {
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "identity",
        }
        self._loopback_hatch = allow_loopback_for_tests

    def fetch(self, url: str) -> FetchResult:
        """GET ``url``; never raises for network, HTTP or policy problems."""
        deadline = time.monotonic() + self._timeout
        current = url
        redirects = 0
        while True:
            step = self._hop(url, current, redirects, deadline)
            if isinstance(step, FetchResult):
                if step.error is not None:
                    _log.info(
                        "link_fetch_failed url=%s final_url=%s error=%s",
                        url,
                        step.final_url,
                        step.error,
                    )
                return step
            if redirects >= self._max_redirects:
                _log.info("link_fetch_failed url=%s error=%s", url, TOO_MANY_REDIRECTS)
                return FetchResult(
                    url, current, status=step.status, error=TOO_MANY_REDIRECTS, redirects=redirects
                )
            redirects += 1
            current = step.location

    def _pinned_transport(self, address: str, deadline: float) -> httpx.BaseTransport:
        with self._ssl_lock:
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context()
            context = self._ssl_context
        return PinnedTransport(address, deadline, ssl_context=context)

    def _addresses(self, target: UrlTarget, deadline: float) -> list[IPAddress] | str:
        """The checked addresses to try for ``target``, or the reason to refuse it."""
        if target.address is not None:
            found: list[IPAddress] = [target.address]
        else:
            try:
                answers = _resolve_before(deadline, self._resolver, target.host, target.port)
            except _DeadlineExceeded:
                return TIMEOUT
            except (OSError, UnicodeError):
                return DNS_ERROR
            found = []
            for answer in answers:
                address = parse_address(answer)
                if address is None:
                    return DNS_ERROR
                if address not in found:
                    found.append(address)
            if not found:
                return DNS_NO_ADDRESS
        # Every answer must pass: the OS may pick any of them, and a mixed answer is an attack.
        for address in found:
            reason = check_address(address)
            if reason is None:
                continue
            if reason == LOOPBACK_ADDRESS and (target.host, target.port) in self._loopback_hatch:
                continue
            return reason
        return found

    def _hop(
        self, url: str, current: str, redirects: int, deadline: float
    ) -> FetchResult | _Redirect:
        target = parse_target(current)
        if isinstance(target, str):
            return FetchResult(url, current, error=target, redirects=redirects)
        addresses = self._addresses(target, deadline)
        if isinstance(addresses, str):
            return FetchResult(url, current, error=addresses, redirects=redirects)
        first, *others = addresses
        outcome = self._exchange(url, target, first, redirects, deadline)
        for address in others:
            # Only a refused or unreachable connection is worth another address.
            if not (isinstance(outcome, FetchResult) and outcome.error == CONNECT_ERROR):
                break
            outcome = self._exchange(url, target, address, redirects, deadline)
        return outcome

    def _exchange(
        self, url: str, target: UrlTarget, address: IPAddress, redirects: int, deadline: float
    ) -> FetchResult | _Redirect:
        final_url = str(target.url)

        def failed(error: str) -> FetchResult:
            return FetchResult(url, final_url, error=error, redirects=redirects)

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return failed(TIMEOUT)
        headers = {**self._headers, "Host": target.url.netloc.decode("ascii")}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            pinned_url = target.url.copy_with(host=str(address))
            transport = self._transport_factory(str(address), deadline)
            with httpx.Client(transport=transport, trust_env=False) as client:
                request = client.build_request(
                    "GET", pinned_url, headers=headers, timeout=remaining, extensions=extensions
                )
                response = client.send(request, stream=True, follow_redirects=False)
                try:
                    return self._interpret(url, target, response, redirects, deadline)
                finally:
                    response.close()
        except (httpx.TimeoutException, _DeadlineExceeded):
            return failed(TIMEOUT)
        except httpx.ConnectError as exc:
            return failed(TLS_ERROR if _is_tls_failure(exc) else CONNECT_ERROR)
        except httpx.ProtocolError:
            return failed(PROTOCOL_ERROR)
        except httpx.TransportError as exc:
            return failed(TLS_ERROR if _is_tls_failure(exc) else NETWORK_ERROR)
        except httpx.HTTPError:
            return failed(NETWORK_ERROR)
        except zlib.error:
            return failed(DECODING_ERROR)

    def _interpret(
        self,
        url: str,
        target: UrlTarget,
        response: httpx.Response,
        redirects: int,
        deadline: float,
    ) -> FetchResult | _Redirect:
        final_url = str(target.url)
        status = response.status_code
        content_type = response.headers.get("content-type")
        location = response.headers.get("location")
        if status in _REDIRECT_STATUSES and location:
            try:
                # Relative to the URL as the user wrote it, never to the pinned IP form.
                return _Redirect(str(target.url.join(location)), status)
            except (httpx.InvalidURL, ValueError, UnicodeError):
                return FetchResult(
                    url, final_url, status=status, error=INVALID_URL, redirects=redirects
                )
        if status >= 400:
            return FetchResult(
                url, final_url, status, content_type, error=HTTP_ERROR, redirects=redirects
            )
        if not _is_text(content_type):
            return FetchResult(url, final_url, status, content_type, redirects=redirects)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in {"", "identity", "gzip", "x-gzip", "deflate"}:
            return FetchResult(
                url,
                final_url,
                status,
                content_type,
                error=UNSUPPORTED_ENCODING,
                redirects=redirects,
            )
        inflater = None if encoding in {"", "identity"} else _Inflater()
        chunks: Iterable[bytes] = response.iter_raw()
        if response.is_stream_consumed:
            # Built in memory (httpx.MockTransport): the body is already decoded.
            chunks, inflater = [response.content], None
        body = bytearray()
        truncated = False
        for chunk in chunks:
            if time.monotonic() >= deadline:
                raise _DeadlineExceeded
            room = self._max_bytes - len(body) + 1  # one byte more tells "cut" from "exact"
            body += inflater.feed(chunk, room) if inflater is not None else chunk[:room]
            if len(body) > self._max_bytes:
                del body[self._max_bytes :]
                truncated = True
                break
        return FetchResult(
            url,
            final_url,
            status,
            content_type,
            text=decode_body(bytes(body), content_type),
            redirects=redirects,
            bytes_read=len(body),
            truncated=truncated,
        )
