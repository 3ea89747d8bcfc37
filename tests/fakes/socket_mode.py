"""Fake Socket Mode WebSocket endpoint: RFC 6455 handshake, Slack's hello, pongs, drops.

Slack's side of Socket Mode, as far as a client can see it: ``apps.connections.open``
(on FakeSlack) hands out a ``wss://…/link/?ticket=…`` URL; the endpoint answers the
opening handshake with 101 and ``Sec-WebSocket-Accept`` (RFC 6455 4.2.2), sends a
``{"type": "hello", …}`` text frame, answers every ping with a pong carrying the same
payload (RFC 6455 5.5.2) and may close the connection at any time. Here over plain
``ws://`` on loopback; tests switch it between accepting, refusing the handshake, and
dropping every open connection.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
from types import TracebackType

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    digest = hashlib.sha1((key + _GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def frame(opcode: int, payload: bytes) -> bytes:
    """A server frame: final, unmasked (RFC 6455 5.1: servers never mask)."""
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        return head + bytes([size]) + payload
    if size < 1 << 16:
        return head + bytes([126]) + struct.pack("!H", size) + payload
    return head + bytes([127]) + struct.pack("!Q", size) + payload


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """One client frame (clients always mask, RFC 6455 5.3): opcode and payload."""
    first, second = _read_exact(sock, 2)
    size = second & 0x7F
    if size == 126:
        size = struct.unpack("!H", _read_exact(sock, 2))[0]
    elif size == 127:
        size = struct.unpack("!Q", _read_exact(sock, 8))[0]
    mask = _read_exact(sock, 4) if second & 0x80 else b"\0\0\0\0"
    data = _read_exact(sock, size)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


class FakeSocketMode:
    """A WebSocket endpoint on 127.0.0.1; ``accepting`` decides the handshake's answer."""

    def __init__(self, *, accepting: bool = True) -> None:
        self.accepting = accepting
        self.handshakes = 0  # attempts, refused ones included
        self.pings = 0
        self.received: list[dict[str, object]] = []
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, name="fake-ws", daemon=True)

    @property
    def url(self) -> str:
        port = self._listener.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=fake-ticket&app_id=A0FAKE0001"

    @property
    def connected(self) -> int:
        with self._lock:
            return len(self._open)

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped.set()
        # close() alone does not wake a thread blocked in accept() on Linux; shutdown does.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self.drop_all()
        self._thread.join(timeout=60)

    def drop_all(self) -> None:
        """Cut every open connection without a close frame (a dead network path)."""
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError("closed during handshake")
                request += chunk
            headers = {}
            for line in request.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            with self._lock:
                self.handshakes += 1
                accepting = self.accepting
            if not accepting or "sec-websocket-key" not in headers:
                sock.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n"
                )
                sock.close()
                return
            key = accept_key(headers["sec-websocket-key"])
            sock.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\n\r\n"
                ).encode("ascii")
            )
            with self._lock:
                self._open.append(sock)
            hello = {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0FAKE0001"},
            }
            sock.sendall(frame(OP_TEXT, json.dumps(hello).encode()))
            self._frames(sock)
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            with self._lock:
                if sock in self._open:
                    self._open.remove(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _frames(self, sock: socket.socket) -> None:
        while True:
            opcode, payload = read_frame(sock)
            if opcode == OP_PING:
                with self._lock:
                    self.pings += 1
                sock.sendall(frame(OP_PONG, payload))
            elif opcode == OP_CLOSE:
                sock.sendall(frame(OP_CLOSE, payload[:2]))
                return
            elif opcode == OP_TEXT:
                with self._lock:
                    self.received.append(json.loads(payload))
