"""`studybot export --format bib`: every paper of the archive, parsed by a BibTeX parser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import bibtexparser
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.archive.bibtex import base_key, latex, render_bibtex
from bot.core.model import NewTopic, Presenter, Topic
from bot.core.papers import Paper
from bot.core.urls import normalize_url
from bot.store import LinkMeta, Repository, open_database
from tests.conftest import Cli

JST = dt.timezone(dt.timedelta(hours=9))
NAOTO = Presenter("U01NAOTO", "Naoto Shimakoshi")
AKI = Presenter("U02AKI", "Aki {100%} & Co_")


def _add(
    repo: Repository,
    meeting: dt.date,
    tag: str,
    title: str,
    url: str,
    presenter: Presenter = NAOTO,
    meta: LinkMeta | None = None,
) -> None:
    repo.add_topic(
        NewTopic(
            meeting=meeting,
            tag=tag,
            title=title,
            url=url,
            normalized_url=normalize_url(url),
            presenter=presenter,
            submitted_at=dt.datetime.combine(meeting, dt.time(9), JST),
        ),
        source="import",
    )
    if meta is not None:
        repo.put_link_meta(meta)


def _meta(
    url: str, authors: tuple[str, ...], year: int, venue: str, code: str | None = None
) -> LinkMeta:
    fetched = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    return LinkMeta(url, "t", authors, year, True, True, fetched, venue=venue, code_url=code)


def _fill(repo: Repository) -> None:
    may, june = dt.date(2024, 5, 16), dt.date(2024, 6, 13)
    arxiv = "https://arxiv.org/abs/2301.00808"
    _add(
        repo,
        may,
        "論文",
        "ConvNeXt V2: Co-designing {ConvNets} with 100% Masked Autoencoders & more_",
        arxiv,
        meta=_meta(
            arxiv,
            ("Sanghyun Woo", "Shoubhik Debnath", "Ronghang Hu", "Xinlei Chen"),
            2023,
            "arXiv",
            "https://github.com/facebookresearch/ConvNeXt-V2",
        ),
    )
    acl = "https://aclanthology.org/2023.acl-long.100/"
    _add(
        repo,
        may,
        "論文",
        "Woo's Other Paper",
        acl,
        AKI,
        _meta(acl, ("Jin Woo", "Gen Mori"), 2023, "Proceedings of ACL 2023 \\ {Long}"),
    )
    # Same surname, year and first word: a second key, never a duplicate.
    twin = "https://doi.org/10.1145/3580305.3599999"
    _add(repo, may, "論文", "ConvNeXt at KDD", twin, meta=_meta(twin, ("Min Woo",), 2023, "KDD"))
    _add(repo, may, "blog", "A blog post", "https://example.com/post")  # not a paper
    _add(repo, may, "論文", "日本語だけの題", "https://example.com/paper.pdf")  # no metadata
    # The same paper again a month later: still one entry.
    _add(repo, june, "論文", "ConvNeXt V2 again", "https://arxiv.org/pdf/2301.00808v1")


def test_bib_export_parses_and_keys_are_stable(tmp_path: Path, cli: Cli) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    database = open_database(url)
    _fill(Repository(database))
    database.dispose()
    env = {"DATABASE_URL": url, "LANGUAGE": "ja", "LOG_FORMAT": "text"}

    first = cli(env, "export", "--format", "bib")
    second = cli(env, "export", "--format", "bib")

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # keys and order are the same every run
    library = bibtexparser.parse_string(first.stdout)
    assert library.failed_blocks == []
    entries = {entry.key: entry for entry in library.entries}
    assert len(library.entries) == 4 == len(entries)
    convnext = entries["woo2023convnext"]
    assert convnext.entry_type == "misc"
    assert convnext.fields_dict["author"].value == (
        "Sanghyun Woo and Shoubhik Debnath and Ronghang Hu and Xinlei Chen"
    )
    assert convnext.fields_dict["year"].value == "2023"
    assert convnext.fields_dict["code"].value == "https://github.com/facebookresearch/ConvNeXt-V2"
    assert r"100\% Masked Autoencoders \& more\_" in convnext.fields_dict["title"].value
    assert "\\textbraceleft{}ConvNets\\textbraceright{}" in convnext.fields_dict["title"].value
    acl = entries["woo2023woo"]
    assert acl.entry_type == "inproceedings"
    assert (
        acl.fields_dict["booktitle"].value
        == r"Proceedings of ACL 2023 \textbackslash{} \textbraceleft{}Long\textbraceright{}"
    )
    assert r"Aki \textbraceleft{}100\%\textbraceright{} \& Co\_" in acl.fields_dict["note"].value
    twin = [key for key in entries if key.startswith("woo2023convnext-")]
    assert len(twin) == 1 and entries[twin[0]].fields_dict["booktitle"].value == "KDD"
    untitled = [key for key in entries if key.startswith("paper")]
    assert len(untitled) == 1
    assert entries[untitled[0]].fields_dict["title"].value == "{日本語だけの題}"


def test_an_added_paper_does_not_rename_older_keys() -> None:
    def topic(id: int, title: str, url: str) -> Topic:
        return Topic(
            id=id,
            meeting=dt.date(2024, 5, 16),
            tag="論文",
            title=title,
            url=url,
            presenter=NAOTO,
            submitted_at=dt.datetime(2024, 5, 10, tzinfo=JST),
            paper=Paper(("Ada Lovelace",), "ICML", 2024),
        )

    one = topic(1, "Notes on engines", "https://doi.org/10.1/a")
    two = topic(2, "Notes on engines II", "https://doi.org/10.1/b")
    before = render_bibtex([one])
    after = render_bibtex([one, two])
    assert after.startswith(before)
    assert base_key(one) == "lovelace2024notes"


def test_latex_escapes_keep_braces_balanced() -> None:
    escaped = latex("a}{b\\c%")
    assert escaped.count("{") == escaped.count("}")
    assert "\n" not in latex("two\nlines")


def test_the_exported_paper_line_is_not_read_back_as_a_note(tmp_path: Path) -> None:
    from bot.archive.exporter import export_markdown
    from bot.archive.importer import import_text

    source, target = (open_database(f"sqlite:///{tmp_path / name}.db") for name in ("a", "b"))
    try:
        _fill(Repository(source))
        markdown = export_markdown(Repository(source))
        assert "> Sanghyun Woo, Shoubhik Debnath, Ronghang Hu et al. — arXiv 2023" in markdown

        import_text(Repository(target), markdown)

        again = Repository(target).all_topics()
        assert len(again) == 6 and all(topic.notes == () for topic in again)
    finally:
        source.dispose()
        target.dispose()


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('{}\\%&$#_^~@,="'),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(_TEXT, min_size=1, max_size=6),
    names=st.lists(_TEXT, min_size=1, max_size=4),
    venue=_TEXT,
)
def test_any_titles_and_names_give_parseable_bibtex(
    titles: list[str], names: list[str], venue: str
) -> None:
    topics = [
        Topic(
            id=index,
            meeting=dt.date(2024, 5, 16),
            tag="論文",
            title=title,
            url=f"https://doi.org/10.1/{index}",
            presenter=Presenter("U1", names[0]),
            submitted_at=dt.datetime(2024, 5, 10, tzinfo=JST),
            paper=Paper(tuple(names), venue, 2024),
        )
        for index, title in enumerate(titles)
    ]
    library = bibtexparser.parse_string(render_bibtex(topics))
    assert library.failed_blocks == []
    assert len({entry.key for entry in library.entries}) == len(topics)
