"""Property: any stream of (re-delivered) reaction events yields the model's tally."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.model import NewTopic
from bot.store import Repository

NewTopicFactory = Callable[..., NewTopic]
Event = tuple[int, str, str, bool]

events = st.lists(
    st.tuples(
        st.integers(0, 12),
        st.sampled_from(["U1", "U2", "U3"]),
        st.sampled_from(["+1", "thumbsup", "fire"]),
        st.booleans(),
    ),
    max_size=15,
)


def _model(stream: list[Event]) -> dict[str, frozenset[str]]:
    seen: set[int] = set()
    held: dict[str, set[str]] = {}
    for event_id, member, emoji, added in stream:
        if event_id in seen:
            continue
        seen.add(event_id)
        emojis = held.setdefault(member, set())
        (emojis.add if added else emojis.discard)(emoji)
    return {member: frozenset(e) for member, e in held.items() if e}


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(stream=events)
def test_tally_matches_model(
    repo: Repository, new_topic: NewTopicFactory, stream: list[Event]
) -> None:
    topic_id = repo.add_topic(new_topic()).id  # a fresh topic per example
    for event_id, member, emoji, added in stream:
        repo.apply_reaction(f"T{topic_id}-{event_id}", topic_id, member, emoji, added)
    expected = _model(stream)
    assert repo.voters(topic_id) == expected
    assert repo.vote_count(topic_id) == len(expected)
