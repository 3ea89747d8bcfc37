"""One arxiv_id: any link to an arXiv paper by default, the source key's rule with exact=True."""

from __future__ import annotations

import pytest

from bot.core.urls import arxiv_id, normalize_url

# (text, default rule, exact rule): where the two rules part, the exact one is normalize_url's
# key, stored with every topic and hashed into BibTeX keys, so it is kept as it was.
CASES = [
    ("https://arxiv.org/abs/2301.00808v2", "2301.00808", "2301.00808"),
    ("https://www.arxiv.org/pdf/2301.00808.pdf", "2301.00808", "2301.00808"),
    ("https://export.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", "hep-th/9901001"),
    ("https://arxiv.org/html/2301.00808v1/", "2301.00808", "2301.00808"),
    # Only the default rule: a label, a PostScript page, a page below the paper.
    ("arXiv:2301.00808", "2301.00808", None),
    ("arxiv: 2301.00808v2", "2301.00808", None),
    ("https://arxiv.org/ps/2301.00808", "2301.00808", None),
    ("https://arxiv.org/html/2301.00808v1/S3", "2301.00808", None),
    ("https://www.export.arxiv.org/abs/2301.00808", "2301.00808", None),
    # Only the exact rule: any scheme, a category starting with "-".
    ("ftp://arxiv.org/abs/2301.00808", None, "2301.00808"),
    ("https://arxiv.org/abs/-x/1234567", None, "-x/1234567"),
    # Neither.
    ("https://example.com/abs/2301.00808", None, None),
    ("https://arxiv.org/list/cs.CV/recent", None, None),
    ("http://[::1", None, None),
]


@pytest.mark.parametrize(("text", "default", "exact"), CASES)
def test_the_two_rules(text: str, default: str | None, exact: str | None) -> None:
    assert arxiv_id(text) == default
    assert arxiv_id(text, exact=True) == exact


# A category starting with "-" is no real arXiv category: its key has no label to read back.
@pytest.mark.parametrize(
    "text", [case[0] for case in CASES if case[2] is not None and "/-" not in case[0]]
)
def test_a_source_key_reads_back_as_its_paper(text: str) -> None:
    """normalize_url keys an arXiv URL as ``arxiv:ID``; the resolver reads that label back."""
    key = normalize_url(text)
    assert key == f"arxiv:{arxiv_id(text, exact=True)}"
    assert arxiv_id(key) == arxiv_id(text, exact=True)
