"""Voting by reaction: exact under duplicates, retries, a restart and missed events."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.model import Presenter, Topic
from bot.slack.reactions import SlackReactions
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Bot, running_bot

MEMBERS = [f"UMEMBER{n:02d}" for n in range(15)]
BOT_USER = "UOTHERBOT1"
EMOJIS = ["+1", "thumbsup"]


def _topics(bot: Bot, count: int) -> list[Topic]:
    topics = []
    for n in range(count):
        presenter = Presenter(MEMBERS[n % len(MEMBERS)], f"Member {n % len(MEMBERS)}")
        text = f"[論文] Paper {n} https://arxiv.org/abs/2401.{n:05d}"
        outcome = bot.runtime.topics.submit_text(presenter, text)
        assert outcome.topic is not None
        topics.append(bot.runtime.deps.cards.post(outcome.topic))
    return topics


def _event(topic: Topic, user: str, emoji: str, added: bool, n: int) -> dict[str, object]:
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": emoji,
        "item_user": topic.presenter.user_id,
        "item": {"type": "message", "channel": topic.card_channel, "ts": topic.card_ts},
        "event_ts": f"{1_700_000_000 + n}.{n:06d}",
    }


class Truth:
    """Ground truth: which (member, emoji) each card holds, and the tally it implies."""

    def __init__(self, topics: list[Topic]) -> None:
        self.topics = topics
        self.held: dict[int, set[tuple[str, str]]] = {t.id: set() for t in topics}

    def toggle(self, topic: Topic, user: str, emoji: str) -> bool:
        key = (user, emoji)
        held = self.held[topic.id]
        added = key not in held
        (held.add if added else held.discard)(key)
        return added

    def tally(self, topic: Topic) -> int:
        voters = {u for u, _ in self.held[topic.id] if u not in (topic.presenter.user_id, BOT_USER)}
        return len(voters)

    def reactions(self, topic: Topic) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for user, emoji in sorted(self.held[topic.id]):
            out.setdefault(emoji, []).append(user)
        return out


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(TOKEN)
    for member in MEMBERS:
        fake.add_user(member, member.title())
    fake.add_user(BOT_USER, "otherbot", is_bot=True)
    yield fake


def _script(topics: list[Topic], truth: Truth, count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    events = []
    for n in range(count):
        topic = rng.choice(topics)
        user = rng.choice([*MEMBERS, BOT_USER, topic.presenter.user_id])
        emoji = rng.choice(EMOJIS)
        events.append(_event(topic, user, emoji, truth.toggle(topic, user, emoji), n))
    return events


def _deliver(bot: Bot, events: list[tuple[str, dict[str, object]]], rng: random.Random) -> None:
    """Each event 1 to 4 times; retries carry X-Slack-Retry-Num and arrive a little later."""
    queue: list[tuple[int, str, dict[str, object], int]] = []
    for position, (event_id, event) in enumerate(events):
        for attempt in range(rng.randint(1, 4)):
            queue.append((position + attempt * rng.randint(1, 30), event_id, event, attempt))
    queue.sort(key=lambda item: (item[0], item[3]))
    for _, event_id, event, attempt in queue:
        headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
        response = bot.event(event, event_id, headers=headers if attempt else None)
        assert response.status_code == 200


def _settle(bot: Bot, topics: list[Topic], truth: Truth) -> None:
    # Every event was applied before its 200: the tallies are final when delivery returns.
    wrong = {
        t.id: (bot.runtime.repo.vote_count(t.id), truth.tally(t))
        for t in topics
        if bot.runtime.repo.vote_count(t.id) != truth.tally(t)
    }
    assert not wrong, f"tallies (got, truth) differ: {wrong}"


@pytest.mark.slow
def test_thousand_events_with_duplicates_and_a_restart(tmp_path: Path, slack: FakeSlack) -> None:
    rng = random.Random(7)
    with running_bot(tmp_path, slack=slack, VOTE_EMOJIS="+1,thumbsup") as bot:
        topics = _topics(bot, 20)
        truth = Truth(topics)
        script = [(f"Ev{n:05d}", e) for n, e in enumerate(_script(topics, truth, 1000, seed=1))]
        # Votes are applied before Slack's 200: what was acknowledged is in the database.
        _deliver(bot, script[:500], rng)
    with running_bot(tmp_path, slack=slack, VOTE_EMOJIS="+1,thumbsup") as bot:
        # After the restart Slack re-delivers some of what it sent before.
        _deliver(bot, rng.sample(script[:500], 100), rng)
        _deliver(bot, script[500:], rng)
        _settle(bot, topics, truth)


def test_presenter_bot_and_two_emojis(tmp_path: Path, slack: FakeSlack) -> None:
    with running_bot(tmp_path, slack=slack, VOTE_EMOJIS="+1,thumbsup") as bot:
        own, by_bot, double = _topics(bot, 3)
        bot.event(_event(own, own.presenter.user_id, "+1", True, 1))
        bot.event(_event(by_bot, BOT_USER, "+1", True, 2))
        voter = MEMBERS[5]
        bot.event(_event(double, voter, "+1", True, 3))
        bot.event(_event(double, voter, "thumbsup", True, 4))
        bot.event(_event(double, voter, "+1::skin-tone-3", True, 5))
        # Each event was applied before its 200, so the tallies are final here.
        counts = [bot.runtime.repo.vote_count(t.id) for t in (own, by_bot, double)]
        assert counts == [0, 0, 1]
        bot.event(_event(double, voter, "+1", False, 6))
        assert bot.runtime.repo.vote_count(double.id) == 1  # still holds :thumbsup:


@pytest.mark.slow
def test_reconciliation_restores_missed_events(tmp_path: Path, slack: FakeSlack) -> None:
    rng = random.Random(3)
    with running_bot(tmp_path, slack=slack, VOTE_EMOJIS="+1,thumbsup") as bot:
        topics = _topics(bot, 20)
        truth = Truth(topics)
        script = [(f"Ev{n:05d}", e) for n, e in enumerate(_script(topics, truth, 400, seed=2))]
        delivered = [item for item in script if rng.random() >= 0.10]
        assert len(delivered) < len(script)
        for event_id, event in delivered:
            bot.event(event, event_id)
        # Every delivered event was applied before its 200; check they all landed.
        seen = {t.id: set() for t in topics}  # type: dict[int, set[tuple[str, str]]]
        by_ts = {t.card_ts: t for t in topics}
        for _, event in delivered:
            item = event["item"]
            topic = by_ts[item["ts"]]  # type: ignore[index]
            key = (str(event["user"]), str(event["reaction"]))
            (seen[topic.id].add if event["type"] == "reaction_added" else seen[topic.id].discard)(
                key
            )

        def landed() -> bool:
            for topic in topics:
                voters = {
                    u for u, _ in seen[topic.id] if u not in (topic.presenter.user_id, BOT_USER)
                }
                if bot.runtime.repo.vote_count(topic.id) != len(voters):
                    return False
            return True

        assert landed()
        for topic in topics:
            assert topic.card_ts is not None
            slack.set_reactions(CHANNEL, topic.card_ts, truth.reactions(topic))
        meeting = bot.runtime.topics.coming_meeting()
        corrections = bot.runtime.votes.reconcile(meeting, SlackReactions(bot.runtime.client))
        assert corrections, "missed events must show up as corrections"
        for topic in topics:
            assert bot.runtime.repo.vote_count(topic.id) == truth.tally(topic), topic.id
        assert bot.runtime.votes.reconcile(meeting, SlackReactions(bot.runtime.client)) == []


@pytest.mark.slow
def test_burst_of_fifty_votes_makes_one_card_update(tmp_path: Path, slack: FakeSlack) -> None:
    slack.rate_limit("chat.update", per_minute=50)
    # A refresh interval no test run can outlast: every vote of the burst lands inside it,
    # whatever the machine's load, and the flush below is the one refresh it coalesces to.
    with running_bot(tmp_path, slack=slack, card_refresh_interval=3600) as bot:
        (topic,) = _topics(bot, 1)
        voters = [f"UBURST{n:03d}" for n in range(50)]
        for voter in voters:
            slack.add_user(voter, voter.lower())
        for n, voter in enumerate(voters):
            assert bot.event(_event(topic, voter, "+1", True, n)).status_code == 200
        assert bot.runtime.repo.vote_count(topic.id) == 50

        def card_updates() -> list[object]:
            return [c for c in slack.calls_to("chat.update") if c.params.get("ts") == topic.card_ts]

        assert card_updates() == []  # fifty votes, no refresh yet: they are coalesced
        bot.runtime.refresher.flush()
        assert len(card_updates()) == 1
        assert slack.rate_limited["chat.update"] == 0
        assert "現在 50 票" in str(slack.message(CHANNEL, str(topic.card_ts)))


def test_out_of_order_add_and_remove_end_as_slack_says(tmp_path: Path, slack: FakeSlack) -> None:
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = _topics(bot, 1)
        voter = MEMBERS[3]
        # The removal (newer) overtakes the add (older) on the network.
        bot.event(_event(topic, voter, "+1", False, 20), "EvRemove")
        bot.event(_event(topic, voter, "+1", True, 10), "EvAdd")
        assert bot.runtime.repo.vote_count(topic.id) == 0
        bot.event(_event(topic, voter, "+1", True, 30), "EvAddAgain")
        assert bot.runtime.repo.vote_count(topic.id) == 1


@pytest.mark.slow
def test_shutdown_applies_every_acknowledged_event(tmp_path: Path, slack: FakeSlack) -> None:
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = _topics(bot, 1)
        voters = [f"UDRAIN{n:03d}" for n in range(60)]
        for voter in voters:
            slack.add_user(voter, voter.lower())
        for n, voter in enumerate(voters):
            assert bot.event(_event(topic, voter, "+1", True, n)).status_code == 200
        repo_url = bot.runtime.settings.database_url
    # The bot is stopped: everything Slack saw acknowledged must be in the database.
    from bot.store import Repository, open_database

    with open_database(repo_url) as database:
        assert Repository(database).vote_count(topic.id) == 60


def test_a_vote_that_fails_to_apply_is_not_acknowledged_and_the_retry_counts_once(
    tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = _topics(bot, 1)
        real = bot.runtime.repo.apply_reaction
        calls = {"n": 0}

        def flaky(*args: object, **kwargs: object) -> bool:
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("database went away")
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(bot.runtime.repo, "apply_reaction", flaky)
        event = _event(topic, MEMBERS[4], "+1", True, 1)
        first = bot.event(event, "EvFlaky")
        assert first.status_code != 200  # Slack will retry it
        retry = bot.event(event, "EvFlaky", headers={"X-Slack-Retry-Num": "1"})
        again = bot.event(event, "EvFlaky", headers={"X-Slack-Retry-Num": "2"})
        assert (retry.status_code, again.status_code) == (200, 200)
        assert bot.runtime.repo.vote_count(topic.id) == 1


@pytest.mark.slow
def test_skin_tone_variants_are_separate_reactions_of_one_vote(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """Issue #14 item 5: a vote stands while any of the member's vote reactions stands."""
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = _topics(bot, 1)
        voter = MEMBERS[4]
        # Votes are applied before Slack gets its 200, so each answer is a landed event.
        assert bot.event(_event(topic, voter, "+1", True, 1)).status_code == 200
        assert bot.event(_event(topic, voter, "+1::skin-tone-2", True, 2)).status_code == 200
        assert bot.runtime.repo.vote_count(topic.id) == 1
        assert bot.event(_event(topic, voter, "+1::skin-tone-2", False, 3)).status_code == 200
        assert bot.runtime.repo.vote_count(topic.id) == 1  # Slack still shows their 👍
        # An older removal of the plain one, overtaken on the network, changes nothing.
        assert bot.event(_event(topic, voter, "+1", False, 0)).status_code == 200
        assert bot.runtime.repo.vote_count(topic.id) == 1
        assert bot.event(_event(topic, voter, "+1", False, 4)).status_code == 200
        assert bot.runtime.repo.vote_count(topic.id) == 0


def test_reconciliation_keeps_skin_tone_variants_apart(tmp_path: Path, slack: FakeSlack) -> None:
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = _topics(bot, 1)
        voter = MEMBERS[6]
        assert topic.card_ts is not None
        slack.set_reactions(CHANNEL, topic.card_ts, {"+1": [voter], "+1::skin-tone-5": [voter]})
        meeting = bot.runtime.topics.coming_meeting()
        bot.runtime.votes.reconcile(meeting, SlackReactions(bot.runtime.client))
        assert bot.runtime.repo.voters(topic.id) == {voter: frozenset({"+1", "+1::skin-tone-5"})}
        # After reconciliation, removing one variant still leaves the other standing.
        bot.event(_event(topic, voter, "+1::skin-tone-5", False, 9))
        assert bot.runtime.repo.vote_count(topic.id) == 1
