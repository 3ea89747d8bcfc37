"""The wanted page body as a tree of blocks: content hashes, shape, and request packing.

Hashes are computed the same way from the builder's blocks and from what Notion
returns, so a block read back from a page can be matched to the one that should be there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.notion.blocks import Block

MAX_CHILDREN = 100  # blocks in one children array
MAX_LEVELS = 3  # a request's blocks, their children and grandchildren
MAX_BLOCKS = 1000  # block objects in one request
# Notion refuses a request body over 500 KB (request limits). Bodies are measured as
# ASCII-escaped JSON, the largest form a client may send, with room for the envelope.
MAX_BODY_BYTES = 500_000
BODY_BUDGET = 450_000

# Block types the agenda is written with; anything else on the page (sub-pages,
# databases, files someone dropped in) is left where it is.
_MANAGED = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "divider",
        "code",
    }
)
_UNKNOWN = "?"  # children not read back from Notion: the block cannot be kept
_PENDING = "…"  # children still being written: the block cannot be kept


def _digest(value: object) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _rich_runs(items: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Rich text as Notion stores it, independent of how it was split into objects."""
    runs: list[list[Any]] = []
    for item in items:
        kind = item.get("type") or next((k for k in ("text", "mention") if k in item), "")
        annotations = item.get("annotations") or {}
        marks = sorted(k for k, v in annotations.items() if v is True)
        color = annotations.get("color", "default")
        if kind == "text":
            body = item.get("text") or {}
            key = ["text", (body.get("link") or {}).get("url"), marks, color]
            content = str(body.get("content", ""))
            if runs and runs[-1][0] == key:
                runs[-1][1] += content
            else:
                runs.append([key, content])
        elif kind == "mention":
            mention = item.get("mention") or {}
            sort = mention.get("type") or next(iter(mention), "")
            value = mention.get(sort) or {}
            target = value.get("id") if isinstance(value, dict) and "id" in value else value
            runs.append([["mention", sort, marks, color], target])
        else:
            runs.append([[kind, marks, color], item.get(kind)])
    return runs


def _own_hash(kind: str, payload: Mapping[str, Any]) -> str:
    """Hash of a block without its children, the same for our payload and Notion's copy."""
    icon = payload.get("icon") if kind == "callout" else None
    emoji = icon.get("emoji") if isinstance(icon, dict) else None
    return _digest([kind, _rich_runs(payload.get("rich_text") or []), emoji])


def _kids_hash(trees: Sequence[str]) -> str:
    return _digest(list(trees))


def _tree_hash(own: str, kids: str) -> str:
    return _digest([own, kids])


_NO_KIDS = _kids_hash([])


@dataclass(frozen=True, slots=True)
class _Node:
    """One block of the wanted body with the facts the planner and packer need."""

    block: Block
    kind: str
    own: str
    kids: str
    children: tuple[_Node, ...]
    size: int  # blocks in the subtree, itself included
    levels: int  # 1 for a leaf
    widest: int  # longest children array in the subtree
    weight: int  # bytes of the whole subtree as JSON
    bare_weight: int  # bytes of the block without its children

    @property
    def tree(self) -> str:
        return _tree_hash(self.own, self.kids)

    @property
    def fits(self) -> bool:
        """Whether one request can carry the whole subtree."""
        return (
            self.levels <= MAX_LEVELS
            and self.size <= MAX_BLOCKS
            and self.widest <= MAX_CHILDREN
            and self.weight <= BODY_BUDGET
        )

    @property
    def bare(self) -> Block:
        payload = {k: v for k, v in self.block[self.kind].items() if k != "children"}
        return {**self.block, self.kind: payload}

    @property
    def sent(self) -> Block:
        """The block as one request carries it: whole, or bare and its children later."""
        return self.block if self.fits else self.bare

    @property
    def extra(self) -> int:
        """Requests needed after the one carrying this block, for children it cannot carry."""
        return 0 if self.fits else self.fill

    @property
    def fill(self) -> int:
        """Requests to append this block's children to it once it exists."""
        return len(pack(self.children)) + sum(child.extra for child in self.children)


def node(block: Block) -> _Node:
    """Wrap a builder block (recursively) with its hashes and shape."""
    kind = str(block["type"])
    payload: Mapping[str, Any] = block[kind]
    children = tuple(node(child) for child in payload.get("children") or [])
    return _Node(
        block=block,
        kind=kind,
        own=_own_hash(kind, payload),
        kids=_kids_hash([child.tree for child in children]),
        children=children,
        size=1 + sum(child.size for child in children),
        levels=1 + max((child.levels for child in children), default=0),
        widest=max([len(children), *(child.widest for child in children)]),
        weight=_json_size(block),
        bare_weight=_json_size(
            {**block, kind: {k: v for k, v in payload.items() if k != "children"}}
        ),
    )


def _json_size(value: object) -> int:
    # json.dumps' defaults are what httpx 0.27 sends (ASCII-escaped, spaced); 0.28 sends
    # compact UTF-8, never longer, so this measure is safe for both.
    return len(json.dumps(value))


def pack(nodes: Sequence[_Node]) -> list[list[_Node]]:
    """Cut a run of sibling blocks into the fewest requests Notion accepts, in order.

    A request holds at most 100 blocks at its top level, 1,000 in all and 500 KB of
    body; a block whose subtree is too deep, too wide or too heavy goes bare and its
    children follow in requests of their own (``_Node.extra``). Greedy filling is
    optimal for an ordered run.
    """
    chunks: list[list[_Node]] = []
    current: list[_Node] = []
    used = 0
    weight = 0
    for item in nodes:
        cost = item.size if item.fits else 1
        heavy = item.weight if item.fits else item.bare_weight
        full = len(current) == MAX_CHILDREN or used + cost > MAX_BLOCKS
        if current and (full or weight + heavy + 1 > BODY_BUDGET):
            chunks.append(current)
            current, used, weight = [], 0, 0
        current.append(item)
        used += cost
        weight += heavy + 1  # the comma between array items
    if current:
        chunks.append(current)
    return chunks
