"""The cheapest edit from the blocks on a page to the wanted ones (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.notion.ledger import _Entry
from bot.notion.tree import _NO_KIDS, _Node

_DELETE, _INSERT, _KEEP, _REWRITE, _FILL = range(5)
OPS = ("delete", "insert", "keep", "rewrite", "fill")
_START, _FRONT_RUN, _AFTER, _RUN = range(4)  # planner states, see _align_middle
_RUN_COST = 1.0
_BLOCK_COST = 0.01  # one block's share of an append request


def _same(entry: _Entry, item: _Node) -> bool:
    return entry.settled and entry.own == item.own and entry.kids == item.kids


def _rewritable(entry: _Entry, item: _Node) -> bool:
    return entry.settled and entry.kind == item.kind and entry.kids == item.kids


def _fillable(entry: _Entry, item: _Node) -> bool:
    """A childless block that needs children (e.g. one whose children a failure cut off)."""
    return entry.kind == item.kind and entry.kids == _NO_KIDS and bool(item.children)


def plan(old: Sequence[_Entry], new: Sequence[_Node]) -> list[tuple[int, int, int]]:
    """The cheapest edit from ``old`` to ``new`` as ``(op, old index, new index)``.

    Costs: a delete 1 request, an in-place rewrite of a block's own content (children
    unchanged) 1, a fill (children appended to a childless block, maybe rewritten too)
    the requests its children take, a run of inserted blocks 1 plus a small share per
    block plus the requests for children too deep to go along. Kept blocks cost nothing. With API
    version 2025-09-03 a block can be inserted only ``after`` another, so no block may be
    inserted in front of a kept one.
    """
    m, n = len(old), len(new)
    head = 0
    while head < min(m, n) and _same(old[head], new[head]):
        head += 1
    tail = 0
    # With nothing kept in front, the middle may have to be rebuilt from the start,
    # which a kept tail would forbid: trim the tail only behind a kept head.
    while head and tail < min(m, n) - head and _same(old[m - 1 - tail], new[n - 1 - tail]):
        tail += 1
    ops = [(_KEEP, i, i) for i in range(head)]
    middle = _align_middle(
        old[head : m - tail],
        new[head : n - tail],
        start=_AFTER if head else _START,
        closed=tail > 0,
    )
    ops += [(op, i + head if i >= 0 else -1, j + head if j >= 0 else -1) for op, i, j in middle]
    ops += [(_KEEP, m - tail + k, n - tail + k) for k in range(tail)]
    return ops


def _align_middle(
    old: Sequence[_Entry], new: Sequence[_Node], *, start: int, closed: bool
) -> list[tuple[int, int, int]]:
    # Dynamic programme over (i old consumed, j new placed, state); states: _START
    # nothing placed, _FRONT_RUN inserting before any kept block (then nothing may be
    # kept), _AFTER just placed a kept block, _RUN inserting after one.
    rows, cols = len(old) + 1, len(new) + 1
    inf = math.inf
    cost = [[inf] * (rows * cols) for _ in range(4)]
    back = [[-1] * (rows * cols) for _ in range(4)]
    insert_cost = [_BLOCK_COST + item.extra for item in new]
    fill_cost = [float(item.fill) if item.children else 0.0 for item in new]
    cost[start][0] = 0.0

    def relax(state: int, cell: int, value: float, came: int) -> None:
        if value < cost[state][cell]:
            cost[state][cell] = value
            back[state][cell] = came

    for i in range(rows):
        for j in range(cols):
            cell = i * cols + j
            for state in range(4):
                here = cost[state][cell]
                if here == inf:
                    continue
                if i < len(old):
                    relax(state, cell + cols, here + 1.0, state * 8 + _DELETE)
                if j < len(new):
                    front = state in (_START, _FRONT_RUN)
                    opens = state in (_START, _AFTER)
                    value = here + insert_cost[j] + (_RUN_COST if opens else 0.0)
                    relax(_FRONT_RUN if front else _RUN, cell + 1, value, state * 8 + _INSERT)
                if i < len(old) and j < len(new) and state != _FRONT_RUN:
                    entry, item = old[i], new[j]
                    if _same(entry, item):
                        relax(_AFTER, cell + cols + 1, here, state * 8 + _KEEP)
                    elif _rewritable(entry, item):
                        relax(_AFTER, cell + cols + 1, here + 1.0, state * 8 + _REWRITE)
                    elif _fillable(entry, item):
                        value = here + fill_cost[j] + (entry.own != item.own)
                        relax(_AFTER, cell + cols + 1, value, state * 8 + _FILL)
    end = rows * cols - 1
    finals = [s for s in range(4) if not (closed and s == _FRONT_RUN)]
    state = min(finals, key=lambda s: cost[s][end])
    ops: list[tuple[int, int, int]] = []
    i, j = len(old), len(new)
    while (i, j) != (0, 0):
        came = back[state][i * cols + j]
        previous, op = divmod(came, 8)
        if op == _DELETE:
            i -= 1
            ops.append((op, i, -1))
        elif op == _INSERT:
            j -= 1
            ops.append((op, -1, j))
        else:
            i, j = i - 1, j - 1
            ops.append((op, i, j))
        state = previous
    ops.reverse()
    return ops
