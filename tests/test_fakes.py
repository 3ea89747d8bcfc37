"""Tests that the fake Slack and Notion servers behave like the real APIs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import notion_client
import pytest
from notion_client.client import RetryOptions
from notion_client.errors import APIResponseError, RequestTimeoutError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes import FakeClock, FakeNotion, FakeSlack

SLACK_TOKEN = "xoxb-test-token"
NOTION_TOKEN = "secret_fake_notion_token"


# ---------------------------------------------------------------------- fixtures
@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[FakeSlack]:
    with FakeSlack(SLACK_TOKEN, clock=clock) as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> WebClient:
    return WebClient(token=SLACK_TOKEN, base_url=slack.api_url)


@pytest.fixture
def notion(clock: FakeClock) -> Iterator[FakeNotion]:
    with FakeNotion(NOTION_TOKEN, clock=clock) as fake:
        yield fake


@pytest.fixture
def client(notion: FakeNotion) -> Iterator[Any]:
    # Typed Any: notion_client's sync methods are annotated ``SyncAsync[Any]``.
    api: Any = notion_client.Client(auth=NOTION_TOKEN, base_url=notion.url, retry=False)
    try:
        yield api
    finally:
        api.close()


def slack_error(exc: pytest.ExceptionInfo[SlackApiError]) -> dict[str, Any]:
    data = exc.value.response.data
    assert isinstance(data, dict)
    return data


def paragraph(text: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"rich_text": [{"type": "text", "text": {"content": text}}]}
    if children is not None:
        payload["children"] = children
    return {"type": "paragraph", "paragraph": payload}


def bullet(text: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    block = paragraph(text, children)
    return {"type": "bulleted_list_item", "bulleted_list_item": block["paragraph"]}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# ---------------------------------------------------------------------- server lifecycle
def test_servers_start_and_stop_cleanly() -> None:
    fake = FakeSlack()
    with pytest.raises(RuntimeError):
        _ = fake.url
    fake.start()
    assert fake.url.startswith("http://127.0.0.1:")
    fake.stop()
    fake.stop()  # idempotent
    with FakeNotion() as notion_fake:
        assert httpx.get(f"{notion_fake.url}/v1/users").status_code == 401


# ---------------------------------------------------------------------- Slack: basics
def test_slack_auth_test_identity_scopes_and_bad_tokens(slack: FakeSlack, web: WebClient) -> None:
    slack.scopes = {"chat:write", "commands"}
    response = web.auth_test()
    assert response["user_id"] == slack.bot_user_id
    assert response["bot_id"] == slack.bot_id
    assert response["team"] == slack.team
    assert response.headers["x-oauth-scopes"] == "chat:write,commands"

    bad = WebClient(token="xoxb-wrong", base_url=slack.api_url)
    with pytest.raises(SlackApiError) as exc:
        bad.auth_test()
    assert slack_error(exc)["error"] == "invalid_auth"
    assert httpx.post(f"{slack.url}/api/auth.test").json()["error"] == "not_authed"
    assert [c.method for c in slack.calls] == ["auth.test"] * 3
    assert slack.calls[0].headers["authorization"] == f"Bearer {SLACK_TOKEN}"


def test_slack_post_update_delete_keep_messages_view(slack: FakeSlack, web: WebClient) -> None:
    first = web.chat_postMessage(channel="C1", text="one", blocks=[section("one")])
    second = web.chat_postMessage(channel="C1", text="two")
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["user"] == slack.bot_user_id

    web.chat_update(channel="C1", ts=first["ts"], text="uno", blocks=[section("uno")])
    web.chat_delete(channel="C1", ts=second["ts"])
    assert [m["text"] for m in slack.messages["C1"]] == ["uno"]
    assert slack.messages["C1"][0]["blocks"] == [section("uno")]

    with pytest.raises(SlackApiError) as exc:
        web.chat_update(channel="C1", ts=second["ts"], text="gone")
    assert slack_error(exc)["error"] == "message_not_found"
    human = slack.add_message("C1", "by a human")
    with pytest.raises(SlackApiError) as exc:
        web.chat_update(channel="C1", ts=human, text="edit")
    assert slack_error(exc)["error"] == "cant_update_message"
    permalink = web.chat_getPermalink(channel="C1", message_ts=first["ts"])["permalink"]
    assert permalink.endswith(f"/archives/C1/p{first['ts'].replace('.', '')}")
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_slack_form_encoded_blocks_are_decoded(slack: FakeSlack) -> None:
    response = httpx.post(
        f"{slack.url}/api/chat.postMessage",
        headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
        data={"channel": "C9", "text": "hi", "blocks": '[{"type": "divider"}]'},
    )
    assert response.json()["ok"] is True
    assert slack.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]
    broken = httpx.post(
        f"{slack.url}/api/chat.postMessage",
        headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
        data={"channel": "C9", "text": "hi", "blocks": "[{oops"},
    )
    assert broken.json()["error"] == "invalid_blocks_format"


def test_slack_channel_membership_and_ephemeral(slack: FakeSlack, web: WebClient) -> None:
    slack.add_channel("C1", "study", members=["U1", "U2"])
    slack.add_channel("C2", "random", members=["U1"], bot_is_member=False)
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C2", text="hi")
    assert slack_error(exc)["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C404", text="hi")
    assert slack_error(exc)["error"] == "channel_not_found"
    slack.add_user("U1", "one")
    dm = web.chat_postMessage(channel="U1", text="a DM is fine")
    assert dm["channel"] == "D1"  # Slack answers with the DM's conversation id
    assert slack.messages["D1"][-1]["text"] == "a DM is fine"

    info = web.conversations_info(channel="C1")["channel"]
    assert (info["name"], info["is_member"], info["num_members"]) == ("study", True, 2)
    assert web.conversations_info(channel="C2")["channel"]["is_member"] is False

    assert web.chat_postEphemeral(channel="C1", user="U2", text="only you")["message_ts"]
    assert slack.ephemerals[0]["user"] == "U2"
    with pytest.raises(SlackApiError) as exc:
        web.chat_postEphemeral(channel="C1", user="U9", text="x")
    assert slack_error(exc)["error"] == "user_not_in_channel"


# ---------------------------------------------------------------------- Slack: limits
def test_slack_message_block_limits(web: WebClient) -> None:
    web.chat_postMessage(channel="C1", text="ok", blocks=[{"type": "divider"}] * 50)
    web.chat_postMessage(channel="C1", text="ok", blocks=[section("x" * 3000)])

    cases: list[tuple[list[dict[str, Any]], str]] = [
        ([{"type": "divider"}] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        ([section("x" * 3001)], "must be less than 3001 characters"),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}}
                    ],
                }
            ],
            "[json-pointer:/blocks/0/elements/0/text/text]",
        ),
        ([{"text": {"type": "mrkdwn", "text": "no type"}}], "missing required field: type"),
        ([section("")], "must be more than 0 characters"),
    ]
    for blocks, expected in cases:
        with pytest.raises(SlackApiError) as exc:
            web.chat_postMessage(channel="C1", text="t", blocks=blocks)
        data = slack_error(exc)
        assert data["error"] == "invalid_blocks"
        assert any(expected in error for error in data["errors"]), data

    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x" * 40_001)
    assert slack_error(exc)["error"] == "msg_too_long"
    with pytest.raises(SlackApiError) as exc:
        web.chat_update(
            channel="C1", ts="1700000000.000100", text="t", blocks=[{"type": "divider"}] * 51
        )
    assert slack_error(exc)["error"] == "invalid_blocks"


def test_slack_views(slack: FakeSlack, web: WebClient) -> None:
    title = {"type": "plain_text", "text": "トピック提出"}
    modal = {"type": "modal", "title": title, "blocks": [{"type": "divider"}] * 100}
    opened = web.views_open(trigger_id="123.456", view=modal)["view"]
    assert slack.views[opened["id"]]["blocks"] == modal["blocks"]

    with pytest.raises(SlackApiError) as exc:
        web.views_open(trigger_id="123.456", view={**modal, "blocks": [{"type": "divider"}] * 101})
    data = slack_error(exc)
    assert data["error"] == "invalid_arguments"
    assert "no more than 100 items" in data["response_metadata"]["messages"][0]
    with pytest.raises(SlackApiError) as exc:
        web.api_call("views.open", json={"view": modal})
    assert slack_error(exc)["error"] == "invalid_arguments"

    web.views_publish(user_id="U1", view={"type": "home", "blocks": [section("home")]})
    assert slack.home_views["U1"]["type"] == "home"


def test_slack_views_refuse_initial_options_that_are_not_options(web: WebClient) -> None:
    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": value}, "value": value}

    def modal(**initial: Any) -> dict[str, Any]:
        element = {"type": "multi_static_select", "action_id": "a", "options": [option("1")]}
        block = {"type": "input", "label": {"type": "plain_text", "text": "x"}}
        block["element"] = {**element, **initial}
        return {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [block]}

    web.views_open(trigger_id="123.456", view=modal(initial_options=[option("1")]))
    for bad in (modal(initial_options=[option("2")]), modal(initial_option=option("2"))):
        with pytest.raises(SlackApiError) as exc:
            web.views_open(trigger_id="123.456", view=bad)
        assert "must match one of the options" in str(slack_error(exc)["response_metadata"])


# ---------------------------------------------------------------------- Slack: reads
def test_slack_reactions_get_shape(slack: FakeSlack, web: WebClient) -> None:
    ts = web.chat_postMessage(channel="C1", text="card")["ts"]
    slack.set_reactions("C1", ts, {"+1": ["U1", "U2"], "eyes": ["U3"]})
    response = web.reactions_get(channel="C1", timestamp=ts)
    assert response["type"] == "message"
    assert response["message"]["reactions"] == [
        {"name": "+1", "users": ["U1", "U2"], "count": 2},
        {"name": "eyes", "users": ["U3"], "count": 1},
    ]
    assert response["message"]["text"] == "card"
    slack.set_reactions("C1", ts, {})
    assert "reactions" not in web.reactions_get(channel="C1", timestamp=ts)["message"]
    with pytest.raises(SlackApiError) as exc:
        web.reactions_get(channel="C1", timestamp="1.2")
    assert slack_error(exc)["error"] == "message_not_found"


def test_slack_conversations_members_pagination(slack: FakeSlack, web: WebClient) -> None:
    members = [f"U{i:03d}" for i in range(7)]
    slack.add_channel("C1", members=members)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        response = web.conversations_members(channel="C1", limit=3, cursor=cursor)
        seen.extend(response["members"])
        pages += 1
        cursor = response["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == members
    assert pages == 3
    assert [c.params.get("limit") for c in slack.calls_to("conversations.members")] == ["3"] * 3
    with pytest.raises(SlackApiError) as exc:
        web.conversations_members(channel="C1", cursor="bm9wZQ==")
    assert slack_error(exc)["error"] == "invalid_cursor"


def test_slack_users(slack: FakeSlack, web: WebClient) -> None:
    slack.add_user("U1", "taro", real_name="山田太郎", email="taro@example.com")
    slack.add_user("U2", "hanako", email="hanako@example.com")
    user = web.users_info(user="U1")["user"]
    assert user["real_name"] == "山田太郎"
    assert user["profile"]["email"] == "taro@example.com"
    assert user["is_bot"] is False
    assert web.users_info(user=slack.bot_user_id)["user"]["is_bot"] is True

    slack.scopes.discard("users:read.email")
    assert "email" not in web.users_info(user="U1")["user"]["profile"]
    with pytest.raises(SlackApiError) as exc:
        web.users_info(user="U404")
    assert slack_error(exc)["error"] == "user_not_found"


# ---------------------------------------------------------------------- Slack: rate limits, faults
def test_slack_method_rate_limit_with_retry_after(
    slack: FakeSlack, web: WebClient, clock: FakeClock
) -> None:
    web.chat_postMessage(channel="C1", text="card")
    ts = slack.messages["C1"][0]["ts"]
    slack.rate_limit("chat.update", per_minute=2)
    web.chat_update(channel="C1", ts=ts, text="1")
    web.chat_update(channel="C1", ts=ts, text="2")
    with pytest.raises(SlackApiError) as exc:
        web.chat_update(channel="C1", ts=ts, text="3")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "30"
    assert slack_error(exc) == {"ok": False, "error": "ratelimited"}
    assert slack.rate_limited["chat.update"] == 1
    assert slack.messages["C1"][0]["text"] == "2"
    clock.advance(30)
    web.chat_update(channel="C1", ts=ts, text="3")
    assert slack.messages["C1"][0]["text"] == "3"


def test_slack_one_message_per_second_per_channel(
    slack: FakeSlack, web: WebClient, clock: FakeClock
) -> None:
    web.chat_postMessage(channel="C1", text="a")
    web.chat_postMessage(channel="C1", text="b")  # off by default
    slack.channel_rate_limit(per_second=1.0)
    web.chat_postMessage(channel="C1", text="c")
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="d")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    web.chat_postMessage(channel="C2", text="other channel")
    clock.advance(1.0)
    web.chat_postMessage(channel="C1", text="d")
    assert slack.rate_limited["chat.postMessage"] == 1


def test_slack_fault_injection(slack: FakeSlack, web: WebClient) -> None:
    slack.fail_next("chat.postMessage", n=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            web.chat_postMessage(channel="C1", text="x")
        assert exc.value.response.status_code == 429
        assert exc.value.response.headers["Retry-After"] == "7"
    web.chat_postMessage(channel="C1", text="x")
    assert slack.rate_limited["chat.postMessage"] == 2

    slack.fail_next("chat.postMessage", error="internal_error", status=500)
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert exc.value.response.status_code == 500
    assert slack_error(exc)["error"] == "internal_error"

    slack.error_for("reactions.get", "missing_scope", needed="reactions:read")
    with pytest.raises(SlackApiError) as exc:
        web.reactions_get(channel="C1", timestamp="1.2")
    data = slack_error(exc)
    assert (data["error"], data["needed"]) == ("missing_scope", "reactions:read")
    assert "chat:write" in data["provided"]
    slack.error_for("reactions.get", None)

    slack.scopes.discard("chat:write")
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert slack_error(exc)["needed"] == "chat:write"
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200, 500, 200]


def test_slack_response_url_records_and_expires(slack: FakeSlack) -> None:
    url = slack.response_url()
    assert "/commands/response/" in url
    for i in range(5):
        reply = httpx.post(url, json={"text": f"try {i}", "response_type": "ephemeral"})
        assert reply.status_code == 200
    assert httpx.post(url, json={"text": "sixth"}).json()["error"] == "used_url"
    assert [body["text"] for body in slack.responses_to(url)][:2] == ["try 0", "try 1"]
    assert len(slack.responses) == 6
    invalid = httpx.post(slack.response_url("actions"), json={"blocks": [section("")]})
    assert invalid.status_code == 400


def test_slack_calls_are_thread_safe(slack: FakeSlack) -> None:
    def post(n: int) -> None:
        client = WebClient(token=SLACK_TOKEN, base_url=slack.api_url)
        for i in range(5):
            client.chat_postMessage(channel="C1", text=f"{n}-{i}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = [m["ts"] for m in slack.messages["C1"]]
    assert len(stamps) == len(set(stamps)) == 20
    assert len(slack.calls) == 20


# ---------------------------------------------------------------------- Notion: reads
def test_notion_database_and_data_source(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database("勉強会", {"名前": "title", "日付": "date", "タグ": "multi_select"})
    database = client.databases.retrieve(ref.database_id)
    assert database["object"] == "database"
    assert database["data_sources"] == [{"id": ref.data_source_id, "name": "勉強会"}]
    source = client.data_sources.retrieve(ref.data_source_id)
    props = source["properties"]
    assert props["名前"]["type"] == "title"
    assert props["日付"] == {"id": props["日付"]["id"], "name": "日付", "type": "date", "date": {}}
    assert source["parent"] == {"type": "database_id", "database_id": ref.database_id}
    # Undashed ids work too.
    assert client.databases.retrieve(ref.database_id.replace("-", ""))["id"] == ref.database_id
    request = notion.requests[0]
    assert request.path == f"/v1/databases/{ref.database_id}"
    assert request.headers["notion-version"] == "2025-09-03"


def test_notion_not_shared_and_bad_token(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database(shared=False)
    with pytest.raises(APIResponseError) as exc:
        client.databases.retrieve(ref.database_id)
    assert exc.value.status == 404
    assert exc.value.code == "object_not_found"
    assert str(exc.value) == (
        f"Could not find database with ID: {ref.database_id}. Make sure the relevant pages "
        "and databases are shared with your integration."
    )
    notion.share(ref.database_id)
    assert client.databases.retrieve(ref.database_id)["id"] == ref.database_id

    bad = notion_client.Client(auth="wrong", base_url=notion.url, retry=False)
    with bad, pytest.raises(APIResponseError) as exc:
        bad.databases.retrieve(ref.database_id)
    assert (exc.value.status, exc.value.code) == (401, "unauthorized")
    missing_version = httpx.get(
        f"{notion.url}/v1/users", headers={"Authorization": f"Bearer {NOTION_TOKEN}"}
    )
    assert missing_version.json()["code"] == "missing_version"


def test_notion_users_paginated(notion: FakeNotion, client: Any) -> None:
    for i in range(3):
        notion.add_user(f"member{i}", f"m{i}@example.com")
    first = client.users.list(page_size=2)
    assert first["has_more"] is True
    rest = client.users.list(page_size=2, start_cursor=first["next_cursor"])
    assert rest["has_more"] is False and rest["next_cursor"] is None
    users = first["results"] + rest["results"]
    emails = [u["person"]["email"] for u in users if u["type"] == "person"]
    assert emails == ["m0@example.com", "m1@example.com", "m2@example.com"]
    assert client.users.me()["type"] == "bot"


# ---------------------------------------------------------------------- Notion: writes
def test_notion_create_page_and_read_tree(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database()
    children = [
        {
            "type": "heading_2",
            "heading_2": {"rich_text": [{"type": "text", "text": {"content": "今週のTOPIC"}}]},
        },
        {
            "type": "paragraph",
            "paragraph": {
                "rich_text": [
                    {"type": "text", "text": {"content": "[論文] "}},
                    {
                        "type": "text",
                        "text": {
                            "content": "ConvNeXt V2",
                            "link": {"url": "https://arxiv.org/abs/2301.00808"},
                        },
                    },
                ],
                "children": [bullet("note", [bullet("deeper")])],
            },
        },
    ]
    page = client.pages.create(
        parent={"type": "data_source_id", "data_source_id": ref.data_source_id},
        properties={
            "名前": {"title": [{"text": {"content": "2024-05-16 機械学習勉強会"}}]},
            "日付": {"date": {"start": "2024-05-16"}},
        },
        children=children,
    )
    assert page["object"] == "page"
    assert page["url"].startswith("https://www.notion.so/")
    assert page["parent"]["data_source_id"] == ref.data_source_id
    assert page["properties"]["日付"]["date"]["start"] == "2024-05-16"
    assert notion.page_title(page["id"]) == "2024-05-16 機械学習勉強会"
    assert notion.pages[page["id"]]["properties"]["名前"]["title"][0]["plain_text"].startswith(
        "2024"
    )
    assert notion.plain_text(page["id"]) == "今週のTOPIC\n[論文] ConvNeXt V2\nnote\ndeeper"
    tree = notion.page_tree(page["id"])
    assert tree[1]["paragraph"]["rich_text"][1]["href"] == "https://arxiv.org/abs/2301.00808"
    assert tree[1]["children"][0]["children"][0]["type"] == "bulleted_list_item"

    listed = client.blocks.children.list(page["id"])
    assert [b["type"] for b in listed["results"]] == ["heading_2", "paragraph"]
    assert listed["results"][1]["has_children"] is True
    assert notion.pages_in(ref.data_source_id) == [notion.pages[page["id"]]]

    via_database = client.pages.create(
        parent={"database_id": ref.database_id},
        properties={"名前": {"title": [{"text": {"content": "x"}}]}},
    )
    assert via_database["parent"]["data_source_id"] == ref.data_source_id
    assert via_database["properties"]["日付"]["date"] is None


def test_notion_page_under_parent_page(notion: FakeNotion, client: Any) -> None:
    parent = notion.add_page("勉強会ノート")
    page = client.pages.create(
        parent={"page_id": parent},
        properties={"title": {"title": [{"text": {"content": "2024-05-16 機械学習勉強会"}}]}},
    )
    listed = client.blocks.children.list(parent)["results"]
    assert listed[0]["id"] == page["id"]
    assert listed[0]["child_page"] == {"title": "2024-05-16 機械学習勉強会"}
    with pytest.raises(APIResponseError) as exc:
        client.pages.create(
            parent={"page_id": parent},
            properties={"名前": {"title": [{"text": {"content": "x"}}]}},
        )
    assert exc.value.code == "validation_error"


def test_notion_property_validation(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database()
    parent = {"type": "data_source_id", "data_source_id": ref.data_source_id}
    with pytest.raises(APIResponseError) as exc:
        client.pages.create(parent=parent, properties={"Name": {"title": []}})
    assert exc.value.code == "validation_error"
    assert str(exc.value) == "Name is not a property that exists."
    with pytest.raises(APIResponseError) as exc:
        client.pages.create(
            parent=parent, properties={"日付": {"rich_text": [{"text": {"content": "x"}}]}}
        )
    assert str(exc.value) == "日付 is expected to be date."
    with pytest.raises(APIResponseError) as exc:
        client.pages.create(parent=parent, properties={"日付": {"date": {"start": "next week"}}})
    assert exc.value.code == "validation_error"
    assert notion.pages == {}


def test_notion_request_limits(notion: FakeNotion, client: Any) -> None:
    page = notion.add_page()
    append = client.blocks.children.append

    def refused(children: list[dict[str, Any]]) -> str:
        with pytest.raises(APIResponseError) as exc:
            append(page, children=children)
        assert exc.value.status == 400
        assert exc.value.code == "validation_error"
        return str(exc.value)

    message = refused([paragraph("x")] * 101)
    assert "body.children.length should be ≤ `100`, instead was `101`" in message
    message = refused([bullet("1", [bullet("2", [bullet("3", [bullet("4")])])])])
    assert (
        "body.children[0].bulleted_list_item.children[0].bulleted_list_item.children[0]"
        ".bulleted_list_item.children should be not present" in message
    )
    message = refused([paragraph("x" * 2001)])
    assert "rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`" in message
    long_link = {"content": "x", "link": {"url": "https://e.com/" + "a" * 2000}}
    message = refused([{"paragraph": {"rich_text": [{"text": long_link}]}}])
    assert "text.link.url.length should be ≤ `2000`" in message
    many = [{"text": {"content": "x"}}] * 101
    message = refused([{"paragraph": {"rich_text": many}}])
    assert "rich_text.length should be ≤ `100`" in message
    refused([{"divider": {}, "type": "divider", "children": [paragraph("x")]}])
    assert notion.page_tree(page) == []  # nothing stored by refused requests

    # The limits themselves are accepted.
    append(page, children=[paragraph("x" * 2000)] * 100)
    append(page, children=[bullet("1", [bullet("2", [bullet("3")])])])
    assert len(notion.page_tree(page)) == 101


def test_notion_append_list_update_delete(notion: FakeNotion, client: Any) -> None:
    page = notion.add_page()
    first = client.blocks.children.append(page, children=[paragraph("a"), paragraph("c")])
    a_id = first["results"][0]["id"]
    client.blocks.children.append(page, children=[paragraph("b")], after=a_id)
    client.blocks.children.append(page, children=[paragraph("0")], position={"type": "start"})
    assert notion.plain_text(page) == "0\na\nb\nc"

    seen: list[str] = []
    cursor = None
    while True:
        kwargs: dict[str, Any] = {"page_size": 3}
        if cursor:
            kwargs["start_cursor"] = cursor
        response = client.blocks.children.list(page, **kwargs)
        seen.extend(b["paragraph"]["rich_text"][0]["plain_text"] for b in response["results"])
        if not response["has_more"]:
            assert response["next_cursor"] is None
            break
        cursor = response["next_cursor"]
    assert seen == ["0", "a", "b", "c"]
    with pytest.raises(APIResponseError):
        client.blocks.children.list(page, page_size=101)

    client.blocks.update(a_id, paragraph={"rich_text": [{"text": {"content": "A"}}]})
    client.blocks.delete(first["results"][1]["id"])
    assert notion.plain_text(page) == "0\nA\nb"
    with pytest.raises(APIResponseError) as exc:
        client.blocks.delete(first["results"][1]["id"])
    assert "archived" in str(exc.value)


def test_notion_update_and_trash_page(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database()
    page = client.pages.create(
        parent={"data_source_id": ref.data_source_id},
        properties={"名前": {"title": [{"text": {"content": "old"}}]}},
    )
    client.pages.update(page["id"], properties={"名前": {"title": [{"text": {"content": "new"}}]}})
    assert client.pages.retrieve(page["id"])["properties"]["名前"]["title"][0]["plain_text"] == (
        "new"
    )
    client.pages.update(page["id"], in_trash=True)
    assert notion.pages_in(ref.data_source_id) == []
    with pytest.raises(APIResponseError) as exc:
        client.pages.update(page["id"], properties={"名前": {"title": []}})
    assert exc.value.code == "validation_error"
    client.pages.update(page["id"], in_trash=False)
    assert len(notion.pages_in(ref.data_source_id)) == 1


def test_notion_query_data_source(notion: FakeNotion, client: Any) -> None:
    ref = notion.add_database()
    for day in ("2024-05-09", "2024-05-16"):
        client.pages.create(
            parent={"data_source_id": ref.data_source_id},
            properties={
                "名前": {"title": [{"text": {"content": f"{day} 機械学習勉強会"}}]},
                "日付": {"date": {"start": day}},
            },
        )
    found = client.data_sources.query(
        ref.data_source_id, filter={"property": "日付", "date": {"equals": "2024-05-16"}}
    )
    assert [notion.page_title(p["id"]) for p in found["results"]] == ["2024-05-16 機械学習勉強会"]
    ordered = client.data_sources.query(
        ref.data_source_id, sorts=[{"property": "日付", "direction": "descending"}]
    )
    assert [p["properties"]["日付"]["date"]["start"] for p in ordered["results"]] == [
        "2024-05-16",
        "2024-05-09",
    ]


# ---------------------------------------------------------------------- Notion: limits, faults
def test_notion_rate_limit_with_fake_clock(
    notion: FakeNotion, client: Any, clock: FakeClock
) -> None:
    notion.rate_limit(3.0, burst=3)
    for _ in range(3):
        client.users.list()
    with pytest.raises(APIResponseError) as exc:
        client.users.list()
    assert (exc.value.status, exc.value.code) == (429, "rate_limited")
    assert exc.value.headers["retry-after"] == "1"
    assert notion.rate_limited == 1
    clock.advance(1 / 3)
    client.users.list()

    notion.rate_limit(3.0, burst=1, retry_after="0.4")
    client.users.list()
    response = httpx.get(
        f"{notion.url}/v1/users",
        headers={"Authorization": f"Bearer {NOTION_TOKEN}", "Notion-Version": "2025-09-03"},
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "0.4"
    assert notion.rate_limited == 2
    notion.rate_limit(None)
    for _ in range(20):
        client.users.list()


def test_notion_client_retries_on_429(notion: FakeNotion) -> None:
    notion.fail_next(1, status=429, retry_after=0)
    with notion_client.Client(
        auth=NOTION_TOKEN, base_url=notion.url, retry=RetryOptions(max_retries=2)
    ) as api:
        me: Any = api.users.me()
    assert me["type"] == "bot"
    assert [r.status for r in notion.requests] == [429, 200]


def test_notion_fault_injection(notion: FakeNotion, client: Any, clock: FakeClock) -> None:
    notion.fail_next(2, status=503)
    for _ in range(2):
        with pytest.raises(APIResponseError) as exc:
            client.users.list()
        assert exc.value.code == "service_unavailable"
    client.users.list()

    notion.fail_for(60)
    with pytest.raises(APIResponseError):
        client.users.list()
    clock.advance(59)
    with pytest.raises(APIResponseError):
        client.users.list()
    clock.advance(1)
    client.users.list()

    page = notion.add_page()
    notion.fail_on("PATCH", r"/children$", n=1, status=500)
    client.users.list()
    with pytest.raises(APIResponseError) as exc:
        client.blocks.children.append(page, children=[paragraph("x")])
    assert exc.value.code == "internal_server_error"
    client.blocks.children.append(page, children=[paragraph("x")])
    assert notion.plain_text(page) == "x"
    assert [r.status for r in notion.requests_to("PATCH", "/children")] == [500, 200]


def test_notion_slow_answers_time_out(notion: FakeNotion) -> None:
    notion.slow(0.5, n=1)
    with notion_client.Client(
        auth=NOTION_TOKEN, base_url=notion.url, timeout_ms=100, retry=False
    ) as api:
        with pytest.raises(RequestTimeoutError):
            api.users.list()
        me: Any = api.users.me()
    assert me["type"] == "bot"


def _linked(content: str, url: str) -> dict[str, Any]:
    text = {"type": "text", "text": {"content": content, "link": {"url": url}}}
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [text]}}


def test_notion_counts_text_in_utf16_units(notion: FakeNotion, client: Any) -> None:
    page = notion.add_page()
    client.blocks.children.append(page, children=[paragraph("🎉" * 1000)])  # 2,000 units
    with pytest.raises(APIResponseError) as exc:
        client.blocks.children.append(page, children=[paragraph("🎉" * 1000 + "x")])
    assert exc.value.code == "validation_error"
    assert "2001" in str(exc.value)


def test_notion_refuses_bad_link_urls(notion: FakeNotion, client: Any) -> None:
    page = notion.add_page()
    client.blocks.children.append(page, children=[_linked("ok", "https://example.com/a")])
    for url in ("javascript:alert(1)", "ftp://example.com/x", "https://e.com/" + "a" * 1990):
        with pytest.raises(APIResponseError) as exc:
            client.blocks.children.append(page, children=[_linked("bad", url)])
        assert exc.value.status == 400
        assert exc.value.code == "validation_error"


def test_notion_529_carries_retry_after(notion: FakeNotion) -> None:
    notion.fail_next(1, status=529, retry_after="3")
    response = httpx.get(
        f"{notion.url}/v1/users/me",
        headers={"Authorization": f"Bearer {NOTION_TOKEN}", "Notion-Version": "2025-09-03"},
    )
    assert response.status_code == 529
    assert response.headers["retry-after"] == "3"
    assert response.json()["code"] == "service_overload"


def test_notion_block_limit_refuses_only_creation(notion: FakeNotion, client: Any) -> None:
    page = notion.add_page()
    answer = client.blocks.children.append(page, children=[paragraph("one")])
    notion.set_block_limit(notion.blocks_created)
    with pytest.raises(APIResponseError) as exc:
        client.blocks.children.append(page, children=[paragraph("two")])
    assert exc.value.status == 403
    assert "block limit" in str(exc.value)
    block_id = answer["results"][0]["id"]
    client.blocks.update(
        block_id, paragraph={"rich_text": paragraph("edited")["paragraph"]["rich_text"]}
    )
    client.blocks.delete(block_id)
    notion.set_block_limit(None)
    client.blocks.children.append(page, children=[paragraph("three")])
