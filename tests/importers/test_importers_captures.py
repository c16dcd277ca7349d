"""Real captures of .mil/.gov pages (data/captures, hand-labelled): field accuracy, and no body dropped quietly."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import ExportError
from exporter.model import Article, Paragraph, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.importers.capture_accuracy import score_folder
from tests.importers.conftest import CAPTURES


def test_at_least_forty_captures_from_ten_sites() -> None:
    rows = [line.split("\t") for line in (CAPTURES / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    hosts = {url.split("/")[2] for _name, url, _set in rows}
    assert len(rows) >= 40 and len(hosts) >= 10
    for name, _url, _set in rows:
        assert (CAPTURES / f"{name}.txt").is_file() and (CAPTURES / f"{name}.expected.json").is_file(), name


def test_labelled_fields_are_read_exactly() -> None:
    score = score_folder(CAPTURES)
    assert score.total >= 250
    assert score.percent >= 98.0, "\n".join(score.mismatches)


def test_photo_page_reads_one_figure_from_alt_title_caption_and_credit_lines() -> None:
    article = read_document(CAPTURES / "defense-gov_igphoto_miking-milley.txt", BuildOptions()).document
    assert isinstance(article, Article)
    assert article.title == "Miking Milley"
    (figure,) = article.figures()
    assert figure.alt == "A videographer puts a microphone on Army Chief Staff Gen. Mark A. Milley."
    assert (figure.credit, figure.virin) == ("Marvin Lynchard", "170801-D-FW736-0024L")
    assert figure.image == "170801-D-FW736-0024L.jpg"
    # The page chrome (banner, section label and description, download bar) is not in the article.
    text = " ".join(plain_text(b.children) for b in article.body if isinstance(b, Paragraph))
    assert "Snapshots" not in text and "Download" not in text


def test_article_keeps_its_body_after_breadcrumbs_and_labels() -> None:
    article = read_document(CAPTURES / "pacom-mil_speech_change-of-command.txt", BuildOptions()).document
    assert isinstance(article, Article)
    assert article.title == "INDOPACOM Change of Command Ceremony"
    assert article.published == "2021-04-30"
    paragraphs = [plain_text(b.children) for b in article.body if isinstance(b, Paragraph)]
    assert any(p.startswith("Good afternoon ladies and gentlemen") for p in paragraphs)
    assert not any("Home : Media" in p or "NEWS |" in p for p in paragraphs)


PROSE = (
    "Soldiers and families gathered at the post chapel on a cold morning to remember the unit's fallen, "
    "reading each name aloud while the band played softly behind them. "
)


def test_a_capture_whose_body_would_be_lost_is_refused(tmp_path: Path) -> None:
    # Three paragraphs of prose, then what reads as a headline with its byline: reading from that headline on
    # would drop most of the text, so the reader refuses with one line instead.
    capture = tmp_path / "capture.txt"
    capture.write_text(
        f"{PROSE * 2}\n\n{PROSE * 2}\n\n{PROSE * 2}\n\nUnit Remembers Its Fallen\n\nBy Sgt. Jane Doe\n\nShort end.\n",
        encoding="utf-8",
    )
    with pytest.raises(ExportError, match=r"only \d+% of the capture's text was read as the article"):
        read_document(capture, BuildOptions())


def test_refusal_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from tests.conftest import run_exporter

    capture = tmp_path / "capture.txt"
    capture.write_text(f"{PROSE * 3}\n\n{PROSE * 3}\n\nUnit Remembers\n\nBy Sgt. Jane Doe\n\nEnd.\n", encoding="utf-8")
    result = run_exporter("build", capture, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "was read as the article" in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "capture.html").exists()
