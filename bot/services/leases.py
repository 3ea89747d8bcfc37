"""Publish leases: who holds one, whether that holder is dead, and keeping one alive."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.services.ports import LeaseStore

log = logging.getLogger("bot.services.cycle")

# The publish lease follows its holder: renewed every HEARTBEAT while the work runs, so
# a holder that died (SIGKILL, lost host) lets go within LEASE_TTL; a dead process on
# this host is noticed at once (see holder_is_dead).
LEASE_TTL = dt.timedelta(seconds=30)
HEARTBEAT = 10.0


def default_owner() -> str:
    """Who holds a claim: this host and process, so replicas tell each other apart."""
    return f"{socket.gethostname()}:{os.getpid()}"


# The publish leases this process holds right now (see holder_is_dead).
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


@contextmanager
def alive(holder: str) -> Iterator[None]:
    """While the block runs, ``holder`` is one of this process's live lease holders."""
    with _LIVE_LOCK:
        _LIVE.add(holder)
    try:
        yield
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(holder)


def holder_is_dead(holder: str) -> bool:
    """True only when ``holder`` (``host:pid:tag``) is a process of this host that is gone.

    Another host, another naming, or any doubt answer False: the TTL decides then."""
    parts = holder.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        # Ours, or an earlier process with our pid (a restarted container is pid 1 again).
        with _LIVE_LOCK:
            return holder not in _LIVE
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: it exists under another user
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: dead all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class Heartbeat:
    """Renews a lease from a background thread while the block runs."""

    def __init__(self, repo: LeaseStore, lease: str, holder: str, every: float) -> None:
        self.repo = repo
        self.lease = lease
        self.holder = holder
        self.every = every
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease:{lease}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.repo.renew_lease(self.lease, self.holder):
                    self.lost = True
                    log.warning("lease_lost", extra={"lease": self.lease})
                    return
            except Exception:  # a database blip: try again at the next beat
                log.warning("lease_renew_failed", exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
