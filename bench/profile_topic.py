"""Where the CPU of one `/topic` goes: ack, card and receipt, profiled in one thread.

`python -m bench.profile_topic [N] [--top K]` wires the real app (bot.wiring) against
FakeSlack on loopback and dispatches N signed inline submissions. Bolt's listener pool
and the submission pool are replaced by inline executors, so the whole of a submission
runs in the main thread where cProfile sees it. "App CPU" per topic is the main
thread's CPU time over the dispatches divided by N (the profile uses the same clock);
"process CPU" adds FakeSlack's threads, which run in this process too.
"""

from __future__ import annotations

import argparse
import cProfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any, TypeVar

from slack_bolt.request import BoltRequest

from bench._common import CHANNEL, SECRET, TOKEN, command_body, print_profile, signed_headers

T = TypeVar("T")


class Inline(Executor):
    """Runs each job at submit(), in the caller's thread."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # kept on the future, as a pool would
            future.set_exception(error)
        return future


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_topic")
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--no-profile", action="store_true", help="CPU figures only")
    args = parser.parse_args(argv)

    import bot.wiring
    from bot.settings import load_settings
    from tests.fakes import FakeSlack

    bot.wiring.listener_pool = Inline  # type: ignore[assignment]
    slack = FakeSlack(TOKEN).start()
    users = [f"U0PROF{n:03d}" for n in range(20)]
    for user in users:
        slack.add_user(user, user.lower())
    with tempfile.TemporaryDirectory(prefix="profile-topic-") as tmp:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'p.db'}",
        }
        runtime = bot.wiring.build_runtime(load_settings(env, env_file=None))
        runtime.deps.background = Inline()

        def request(n: int) -> BoltRequest:
            text = f"[blog] Profiled topic {n} https://example.com/p/{n}\n- note {n}\n  - nested"
            body = command_body(text, users[n % len(users)], slack.response_url())
            headers = signed_headers(body, "application/x-www-form-urlencoded")
            return BoltRequest(body=body, headers={k.lower(): [v] for k, v in headers.items()})

        for n in range(10):  # warm: first connections, imports on first use
            runtime.app.dispatch(request(1_000_000 + n))
        requests = [request(n) for n in range(args.n)]
        # The main thread's own CPU: the app's work (inline), not FakeSlack's threads and
        # not time spent waiting on sockets or for a core on a loaded machine.
        profile = cProfile.Profile(time.thread_time)
        mine, cpu, wall = time.thread_time(), time.process_time(), time.perf_counter()
        if not args.no_profile:
            profile.enable()
        for req in requests:
            response = runtime.app.dispatch(req)
            assert response.status == 200, response.body
        profile.disable()
        mine, cpu = time.thread_time() - mine, time.process_time() - cpu
        wall = time.perf_counter() - wall
        posted = len(runtime.repo.topics_for_meeting(runtime.topics.coming_meeting()))
        runtime.close()
    slack.stop()
    if not args.no_profile:
        print_profile(profile, args.top)
    print(
        f"{args.n} /topic submissions (ack + card + receipt): app CPU"
        f" {mine / args.n * 1000:.2f} ms each; process CPU {cpu / args.n * 1000:.2f} ms"
        f" (FakeSlack included); wall {wall / args.n * 1000:.2f} ms; {posted} stored"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
