"""The pure parts of the publisher: packing requests and planning the cheapest edit."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.notion.ledger import _Entry
from bot.notion.planner import _DELETE, _FILL, _INSERT, _KEEP, _REWRITE, plan
from bot.notion.tree import _NO_KIDS, _Node, node, pack
from bot.notion.users import notion_user_ids
from tests.fakes import FakeNotion
from tests.notion.helpers import deferred, requests_for


def bullet(text: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"rich_text": [{"type": "text", "text": {"content": text}}]}
    if children:
        payload["children"] = children
    return {"object": "block", "type": "bulleted_list_item", "bulleted_list_item": payload}


def chain(depth: int, label: str = "x") -> dict[str, Any]:
    block = bullet(f"{label}{depth}")
    for level in range(depth - 1, 0, -1):
        block = bullet(f"{label}{level}", [block])
    return block


def test_pack_fills_requests_to_notions_limits() -> None:
    leaves = [node(bullet(str(i))) for i in range(250)]
    assert [len(c) for c in pack(leaves)] == [100, 100, 50]
    wide = [node(bullet(str(i), [bullet(f"{i}.{k}") for k in range(89)])) for i in range(12)]
    assert [len(c) for c in pack(wide)] == [11, 1]  # 11 x 90 blocks, then the 1,000 limit
    too_wide = node(bullet("w", [bullet(str(k)) for k in range(101)]))
    assert not too_wide.fits and too_wide.extra == 2


def test_deep_subtrees_go_bare_and_follow() -> None:
    assert node(chain(3)).fits
    deep = node(chain(5))
    assert not deep.fits and deep.extra == 2  # levels 2-5 need two more requests
    assert deep.extra == deferred(chain(5))
    assert "children" not in deep.bare["bulleted_list_item"]
    blocks = [chain(4, "a"), chain(2, "b"), chain(6, "c")]
    assert len(pack([node(b) for b in blocks])) == requests_for(blocks) == 1


def entries_for(blocks: list[dict[str, Any]]) -> list[_Entry]:
    return [_Entry(f"id{i}", n.kind, n.own, n.kids) for i, n in enumerate(map(node, blocks))]


def apply(old: list[_Entry], new: list[_Node], ops: list[tuple[int, int, int]]) -> list[str]:
    """The tree hashes the page holds after ``ops`` (checking the ops are well formed)."""
    kept = [(op, i, j) for op, i, j in ops if op != _DELETE]
    assert [j for _, _, j in kept] == list(range(len(new)))
    touched = sorted([i for op, i, _ in ops if op != _INSERT])
    assert touched == list(range(len(old)))
    survivors = [op for op, _, _ in kept if op != _INSERT]
    if survivors:  # API 2025-09-03: nothing can be inserted before the first kept block
        assert kept[0][0] != _INSERT
    out = []
    for op, i, j in kept:
        if op == _KEEP:
            assert (old[i].own, old[i].kids) == (new[j].own, new[j].kids)
        elif op == _REWRITE:
            assert old[i].kind == new[j].kind and old[i].kids == new[j].kids
        elif op == _FILL:
            assert old[i].kids == _NO_KIDS and new[j].children
        out.append(new[j].tree)
    return out


alphabet = st.sampled_from(
    [
        bullet("a"),
        bullet("b"),
        bullet("a", [bullet("x")]),
        bullet("c", [bullet("x")]),
        chain(5, "d"),
        {"object": "block", "type": "paragraph", "paragraph": {"rich_text": []}},
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=12), st.lists(alphabet, max_size=12))
def test_plan_turns_any_page_into_any_body(
    old_blocks: list[dict[str, Any]], new_blocks: list[dict[str, Any]]
) -> None:
    old, new = entries_for(old_blocks), [node(b) for b in new_blocks]
    ops = plan(old, new)
    assert apply(old, new, ops) == [n.tree for n in new]
    if old_blocks == new_blocks:
        assert all(op == _KEEP for op, _, _ in ops)


def test_plan_rewrites_in_place_and_inserts_after() -> None:
    old = entries_for([bullet("h"), bullet("a"), bullet("b"), bullet("c", [bullet("x")])])
    new = [
        node(b)
        for b in [bullet("h"), bullet("a2"), bullet("b"), bullet("n"), bullet("c", [bullet("x")])]
    ]
    ops = plan(old, new)
    assert [op for op, _, _ in ops] == [_KEEP, _REWRITE, _KEEP, _INSERT, _KEEP]


def test_plan_fills_a_block_whose_children_never_arrived() -> None:
    old = entries_for([bullet("h"), bullet("d1")])  # written bare, children lost
    new = [node(bullet("h")), node(chain(5, "d"))]
    assert [op for op, _, _ in plan(old, new)] == [_KEEP, _FILL]


def test_users_by_email_over_pages(fake: FakeNotion, client: Any) -> None:
    ids = {fake.add_user(f"Member {i}", f"Member{i}@Example.COM ") for i in range(130)}
    fake.add_user("No email")
    fake.rate_limit(None)
    users = notion_user_ids(client)
    assert len(users) == 130 and set(users.values()) == ids
    assert users["member7@example.com"] in ids
    assert len([r for r in fake.requests if r.path == "/v1/users"]) == 2


def _links(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        body = block[block["type"]]
        found += [
            item["text"]["link"]["url"]
            for item in body.get("rich_text", [])
            if item["type"] == "text" and item["text"].get("link")
        ]
        found += _links(body.get("children", []))
    return found


def test_blocks_never_carry_a_link_notion_would_refuse() -> None:
    import datetime as dt

    from bot.core.agenda import compile_agenda
    from bot.core.model import Note, Presenter, Topic
    from bot.notion.blocks import agenda_blocks, plain_text

    long_url = "https://example.com/" + "a" * 2480
    assert len(long_url) == 2500
    topics = [
        Topic(
            id=n,
            meeting=dt.date(2026, 12, 3),
            tag="blog",
            title=f"Title {n}",
            url=url,
            presenter=Presenter("U1", "Ann"),
            submitted_at=dt.datetime(2026, 12, 1, n, tzinfo=dt.UTC),
            notes=(Note(f"[long]({long_url}) and [ok](https://example.com/ok)"),),
        )
        for n, url in enumerate([long_url, "javascript:alert(1)", "https://example.com/t"])
    ]

    blocks = agenda_blocks(compile_agenda(dt.date(2026, 12, 3), topics))

    links = _links(blocks)
    # Notion's request limits: text.link.url at most 2,000 characters (a 400 otherwise).
    assert all(len(url) <= 2000 and url.startswith(("https://", "http://")) for url in links)
    assert links.count("https://example.com/t") == 1
    assert links.count("https://example.com/ok") == 3
    text = plain_text(blocks)
    assert all(f"Title {n}" in text for n in range(3))  # the topic is shown, just not linked


def _link_urls(value: Any) -> list[str]:
    """Every ``link.url`` anywhere in a request body."""
    if isinstance(value, dict):
        found = [value["link"]["url"]] if isinstance(value.get("link"), dict) else []
        return found + [url for item in value.values() for url in _link_urls(item)]
    if isinstance(value, list):
        return [url for item in value for url in _link_urls(item)]
    return []


def test_a_2500_character_source_never_reaches_notion_as_a_link(
    fake: FakeNotion, make_publisher: Any
) -> None:
    """#14.8: a topic stored before the submit-time rule (or imported) still publishes."""
    import dataclasses

    from tests.notion.helpers import MEETING, member, small_agenda, topic, with_topics

    long_url = "https://example.com/" + "a" * 2480
    legacy = dataclasses.replace(topic(9, member(0), votes=20), url=long_url)
    agenda = with_topics(small_agenda(extra=[legacy]), lambda t: t)
    assert agenda.meeting == MEETING and legacy in agenda.ranked

    page = make_publisher().publish(agenda, "worker-1")

    # Notion answers validation_error 400 to "text.link.url.length should be ≤ 2000"
    # (request limits); besides the fake's answers, check every request it received.
    sent = [url for request in fake.requests for url in _link_urls(request.body)]
    assert sent and all(len(url) <= 2000 for url in sent)
    assert all(request.status < 400 for request in fake.requests)
    assert legacy.title in fake.plain_text(page.page_id)
