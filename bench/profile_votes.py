"""Where the CPU of one reaction event goes, profiled in one thread.

`python -m bench.profile_votes [N] [--top K] [--no-profile] [--database URL]` wires the
real app (bot.wiring) against FakeSlack on loopback, posts 20 cards through `/topic`,
then dispatches N signed `reaction_added` events (40 members on 20 cards, every event
a new vote, as in bench/floors.py) through Bolt in the main thread. "App CPU" per
event is the main thread's CPU time over the dispatches divided by N. Without
``--database`` it runs on a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import cProfile
import tempfile
import time
from pathlib import Path

from slack_bolt.request import BoltRequest

from bench._common import (
    CHANNEL,
    SECRET,
    TOKEN,
    command_body,
    event_body,
    print_profile,
    reaction_event,
    signed_headers,
)
from bench.profile_topic import Inline

CARDS = 20
MEMBERS = 40


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_votes")
    parser.add_argument("n", type=int, nargs="?", default=800)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--no-profile", action="store_true", help="CPU figures only")
    parser.add_argument("--database", help="a database URL instead of a new SQLite file")
    args = parser.parse_args(argv)

    import bot.wiring
    from bot.settings import load_settings
    from tests.fakes import FakeSlack

    bot.wiring.listener_pool = Inline  # type: ignore[assignment]
    slack = FakeSlack(TOKEN).start()
    presenters = [f"U0PRES{n:03d}" for n in range(CARDS)]
    members = [f"U0VOTE{n:03d}" for n in range(MEMBERS)]
    for user in presenters + members:
        slack.add_user(user, user.lower())
    with tempfile.TemporaryDirectory(prefix="profile-votes-") as tmp:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": args.database or f"sqlite:///{Path(tmp) / 'p.db'}",
        }
        runtime = bot.wiring.build_runtime(load_settings(env, env_file=None))
        runtime.deps.background = Inline()

        def dispatch(body: str, content_type: str) -> None:
            headers = signed_headers(body, content_type)
            request = BoltRequest(body=body, headers={k.lower(): [v] for k, v in headers.items()})
            response = runtime.app.dispatch(request)
            assert response.status == 200, response.body

        for n, presenter in enumerate(presenters):
            text = f"[blog] Card {n} https://example.com/votes/{n}"
            dispatch(
                command_body(text, presenter, slack.response_url()),
                "application/x-www-form-urlencoded",
            )
        cards = [
            (t.card_channel, t.card_ts, t.presenter.user_id)
            for t in runtime.repo.topics_for_meeting(runtime.topics.coming_meeting())
        ]
        assert len(cards) == CARDS and all(ts for _, ts, _ in cards), cards

        def body(n: int) -> str:
            channel, ts, presenter = cards[n % CARDS]
            user = members[(n // CARDS) % MEMBERS]
            event = reaction_event(
                channel=str(channel), ts=str(ts), user=user, item_user=presenter, n=n
            )
            return event_body(event, f"Ev{n:08d}")

        for n in range(CARDS):  # warm: first statements compiled, users looked up
            dispatch(body(n + 10 * CARDS * MEMBERS), "application/json")
        bodies = [body(n) for n in range(args.n)]
        profile = cProfile.Profile(time.thread_time)
        mine, wall = time.thread_time(), time.perf_counter()
        if not args.no_profile:
            profile.enable()
        for item in bodies:
            dispatch(item, "application/json")
        profile.disable()
        mine, wall = time.thread_time() - mine, time.perf_counter() - wall
        runtime.close()
    slack.stop()
    if not args.no_profile:
        print_profile(profile, args.top)
    print(
        f"{args.n} reaction events: app CPU {mine / args.n * 1000:.2f} ms each;"
        f" wall {wall / args.n * 1000:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
