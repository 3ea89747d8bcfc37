"""URL normalisation and tag matching."""

from __future__ import annotations

import pytest

from bot.core.tags import TagSet
from bot.core.urls import arxiv_id, clean_url, is_http_url, normalize_url


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2301.00808",
        "https://arxiv.org/abs/2301.00808v2",
        "http://arxiv.org/pdf/2301.00808",
        "https://arxiv.org/pdf/2301.00808v1.pdf",
        "https://www.arxiv.org/abs/2301.00808?context=cs",
        "https://arxiv.org/html/2301.00808v2",
    ],
)
def test_arxiv_forms_share_one_key(url: str) -> None:
    assert normalize_url(url) == "arxiv:2301.00808"


def test_old_style_arxiv_ids() -> None:
    assert arxiv_id("https://arxiv.org/abs/hep-th/9901001v2") == "hep-th/9901001"


def test_tracking_parameters_port_fragment_and_host_case() -> None:
    a = "https://Example.COM:443/post?id=7&utm_source=x&fbclid=y&gclid=z#section"
    assert normalize_url(a) == "https://example.com/post?id=7"
    assert normalize_url("http://example.com:80") == "http://example.com/"
    assert normalize_url("http://example.com:8080/a") == "http://example.com:8080/a"


def test_clean_url_keeps_fragment_and_real_parameters() -> None:
    url = "https://cloud.google.com/release-notes?hl=ja&utm_medium=x#December_19_2022"
    assert clean_url(url) == "https://cloud.google.com/release-notes?hl=ja#December_19_2022"
    assert clean_url("https://a.example/x?b=1") == "https://a.example/x?b=1"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/", True),
        ("http://a.example", True),
        ("ftp://a.example/", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("not a url", False),
    ],
)
def test_is_http_url(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


def test_configurable_tags() -> None:
    tags = TagSet.from_mapping({"Kaggle": ["kaggle", "コンペ"], "論文": ["paper"]})
    assert tags.lookup("KAGGLE") is not None
    assert tags.lookup("コンペ") is not None
    assert tags.lookup("blog") is None
