"""How much of a DOCX's text the DOCX reader brings into the model, measured against pandoc's reading of the same
file: word-level similarity of the two texts in reading order (footnotes after the body on both sides).

    .venv/bin/python -m tests.docx.corpus.similarity [FILE_OR_FOLDER ...]   # default: the corpus

prints one line per file (similarity, word counts, the reader's warnings) and a summary. Words are compared after
NFKC normalisation and case folding (`²` is `2`), as runs of letters and digits; punctuation is not a word, and a
soft hyphen does not end one. Whether a superscript or subscript ends a word (`m²` as `m 2` or `m2`) is taken either
way, the better of the two counts (pandoc's math, as TeX, always separates scripts; a script pandoc does not see,
LibreOffice's raised text, it reads as part of the word). Pandoc's side is its JSON document: every text it read,
figure captions and image descriptions included (its plain-text writer drops captions), math as its TeX read as text
(`\\theta` is `θ`, `\\sin` is `sin`, markup is not text). Our side is the model's text as the outputs show it: a
picture in running text is its alt text, a packet's cover its text. A figure caption's number ("Figure 1:") is a
word on neither side: pandoc keeps it in the caption text, the reader makes it the figure's number, which every
output prints as its own "Figure N."; a table's number is a word on both (the reader keeps it; the build leaves it
out, as from any input).
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from exporter.errors import ExportError
from exporter.i18n import CAPTION_NUMBER, labels
from exporter.model import (
    Article,
    Block,
    BlockQuote,
    Figure,
    Footnote,
    Heading,
    Inline,
    InlineImage,
    LineBreak,
    ListBlock,
    Media,
    Packet,
    Paragraph,
    Subscript,
    Superscript,
    Table,
    plain_text,
)
from exporter.readers.docx.losses import MESSAGES

CORPUS = Path(__file__).resolve().parent / "docx"
THRESHOLD = 0.98
_WORD = re.compile(r"[^\W_]+")
_TEX_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[^}]*\}")
_TEX_CONTROL = re.compile(r"\\([A-Za-z]+)")
TEX_WORDS = {"sin", "cos", "tan", "log", "ln", "exp", "lim", "max", "min", "det", "sup", "inf", "mod"}


def tex_text(tex: str) -> str:
    """TeX math as the words it shows: Greek letters as letters, function names as names, markup as space."""

    def control(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in TEX_WORDS:
            return f" {name} "
        try:
            return unicodedata.lookup(f"GREEK {'CAPITAL' if name[0].isupper() else 'SMALL'} LETTER {name.upper()}")
        except KeyError:
            return " "

    return re.sub(r"[\^_{}]", " ", _TEX_CONTROL.sub(control, _TEX_ENVIRONMENT.sub(" ", tex)))


def words(text: str) -> list[str]:
    # A soft hyphen shows only where a line breaks: "hyphen\u00adation" is one word as the reader sees it.
    return _WORD.findall(unicodedata.normalize("NFKC", text.replace("\u00ad", "")).casefold())


def similarity(ours: list[str], theirs: list[str]) -> float:
    if not ours and not theirs:
        return 1.0
    return difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()


# ---------------------------------------------------------------- pandoc's reading


class _PandocText:
    def __init__(self, script_break: str, figure_label: re.Pattern[str]) -> None:
        self.script_break = script_break  # what a superscript or subscript's edges are: " " or ""
        self.figure_label = figure_label  # a figure caption's own number ("Figure 1:"), left out of its text
        self.parts: list[str] = []
        self.notes: list[list] = []

    def inlines(self, nodes: list) -> None:
        for node in nodes:
            kind, content = node["t"], node.get("c")
            if kind == "Str":
                self.parts.append(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                self.parts.append(" ")
            elif kind in ("Code",):
                self.parts.append(f" {content[1]} ")
            elif kind == "Math":
                self.parts.append(f" {tex_text(content[1])} ")
            elif kind in ("Superscript", "Subscript"):
                self.parts.append(self.script_break)
                self.inlines(content)
                self.parts.append(self.script_break)
            elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps"):
                self.inlines(content)
            elif kind in ("Quoted", "Cite", "Span") or kind == "Link":
                self.inlines(content[1])
            elif kind == "Image":
                self.parts.append(" ")
                self.inlines(content[1])
                self.parts.append(f" {content[2][1]} ")
            elif kind == "Note":
                self.notes.append(content)

    def blocks(self, nodes: list) -> None:
        for node in nodes:
            kind, content = node["t"], node.get("c")
            self.parts.append(" ")
            if kind in ("Plain", "Para"):
                self.inlines(content)
            elif kind == "LineBlock":
                for line in content:
                    self.inlines(line)
                    self.parts.append(" ")
            elif kind == "CodeBlock":
                self.parts.append(content[1])
            elif kind == "Header":
                self.inlines(content[2])
            elif kind in ("BlockQuote",):
                self.blocks(content)
            elif kind == "Div":
                self.blocks(content[1])
            elif kind == "BulletList":
                for item in content:
                    self.blocks(item)
            elif kind == "OrderedList":
                for item in content[1]:
                    self.blocks(item)
            elif kind == "DefinitionList":
                for term, definitions in content:
                    self.inlines(term)
                    for definition in definitions:
                        self.blocks(definition)
            elif kind == "Figure":
                self.blocks(content[2])
                start = len(self.parts)
                self.blocks(content[1][1])
                self.parts[start:] = [self.figure_label.sub("", "".join(self.parts[start:]), count=1)]
            elif kind == "Table":
                self.table(content)
            self.parts.append(" ")

    def table(self, content: list) -> None:
        _attr, caption, _columns, head, bodies, foot = content
        self.blocks(caption[1])
        rows = list(head[1])
        for body in bodies:
            rows += body[2] + body[3]
        rows += foot[1]
        for row in rows:
            for cell in row[1]:
                self.blocks(cell[4])

    def meta(self, meta: dict) -> None:
        for key in ("title", "subtitle", "author", "date", "abstract"):
            if key in meta:
                self.meta_value(meta[key])
                self.parts.append(" ")

    def meta_value(self, value: dict) -> None:
        kind, content = value["t"], value.get("c")
        if kind == "MetaInlines":
            self.inlines(content)
        elif kind == "MetaBlocks":
            self.blocks(content)
        elif kind == "MetaList":
            for item in content:
                self.meta_value(item)
                self.parts.append(" ")
        elif kind == "MetaString":
            self.parts.append(content)

    def text(self) -> str:
        index = 0
        while index < len(self.notes):  # notes found in notes are read too
            note = self.notes[index]
            self.blocks(note)
            index += 1
        return "".join(self.parts)


def pandoc_document(path: Path) -> dict | None:
    """Pandoc's reading of the DOCX (its JSON document), or None when pandoc cannot read it."""
    import pypandoc

    completed = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "docx", "-t", "json", str(path)],
        capture_output=True,
        timeout=120,
    )
    return json.loads(completed.stdout) if completed.returncode == 0 else None


def figure_label(language: str) -> re.Pattern[str]:
    """ "Figure 3:" at the start of a caption, in the document's language or English, as the reader takes it out:
    also "Figure 2-1" (a chapter's number first), "Figure IV" and "Figure c" (Word's other formats) and another
    label's "Photo 1:". The reader knows the number by its SEQ field; pandoc's reading does not, so the number in
    letters, or after another label, counts only before a separator, where a caption's own words would not."""
    names = "|".join(re.escape(label) for label in sorted(labels(language, "Figure"), key=len, reverse=True))
    separator = r"[.:\u2013\u2014-]"
    return re.compile(
        rf"^\s*(?:(?:{names})\s*{CAPTION_NUMBER}\s*{separator}?|(?:{names})\s*(?:[ivxlcdm]+|[a-z])\s*{separator}"
        rf"|\w+\s*{CAPTION_NUMBER}\s*{separator})",
        flags=re.IGNORECASE,
    )


def pandoc_text(document: dict, script_break: str = " ", language: str = "en") -> str:
    """Everything pandoc read, but for the numbers in its figure captions: the reader makes a caption's "Figure 1:"
    the figure's number in the model (every output prints its own "Figure N." from `Article.figure_numbers`), so
    a figure's number is no word on either side. A table's number stays a word: only the DOCX numbers tables."""
    reader = _PandocText(script_break, figure_label(language))
    reader.meta(document.get("meta", {}))
    reader.blocks(document.get("blocks", []))
    return reader.text()


# ---------------------------------------------------------------- our reading


class _ModelText:
    def __init__(self, script_break: str, with_titles: bool = True) -> None:
        self.script_break = script_break
        self.with_titles = with_titles
        self.parts: list[str] = []
        self.notes: list[Footnote] = []

    def inlines(self, nodes: list[Inline]) -> None:
        for node in nodes:
            if isinstance(node, Footnote):
                self.notes.append(node)
            elif isinstance(node, LineBreak):
                self.parts.append(" ")
            elif isinstance(node, InlineImage):
                # Read as its alt text (and title), as the outputs show it and as pandoc's Image is counted.
                self.parts.append(f" {node.alt} {node.title or ''} ")
            elif hasattr(node, "text"):
                self.parts.append(node.text)
            elif isinstance(node, Superscript | Subscript):
                self.parts.append(self.script_break)
                self.inlines(node.children)
                self.parts.append(self.script_break)
            else:
                self.inlines(node.children)

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            self.parts.append(" ")
            if isinstance(block, Paragraph | Heading):
                self.inlines(block.children)
            elif isinstance(block, BlockQuote):
                self.blocks(block.children)
                self.inlines(block.attribution)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    self.blocks(item)
            elif isinstance(block, Figure):
                self.figure(block)
            elif isinstance(block, Media):
                self.parts.append(f" {block.title or ''} ")
                self.inlines(block.caption)
            elif isinstance(block, Table):
                self.inlines(block.caption)
                for row in [*block.head, *block.rows]:
                    for cell in row.cells:
                        self.parts.append(" ")
                        self.inlines(cell.children)
            self.parts.append(" ")

    def figure(self, figure: Figure) -> None:
        """As the outputs show it: alt text (the picture), photo title, caption, credit and VIRIN, rights."""
        for part in (figure.alt, figure.title):
            self.parts.append(f" {part or ''} ")
        self.inlines(figure.caption)
        if figure.credit:
            self.parts.append(f" Credit: {figure.credit} ")
        if figure.virin:
            self.parts.append(f" VIRIN: {figure.virin} ")
        if figure.rights:
            self.parts.append(f" {figure.rights} ")

    def cover(self, packet: Packet) -> None:
        """A packet's cover as the outputs show it (its date as written on it is left out: the model holds it as
        a date)."""
        for part in (packet.title, packet.subtitle, packet.office, packet.cover_note):
            self.parts.append(f" {part or ''} ")

    def article(self, article: Article) -> None:
        self.parts.append(f" {article.title if self.with_titles else ''} {article.dek or ''} ")
        if article.byline:
            self.parts.append(f" {article.byline.text()} ")
        if article.published:
            self.parts.append(f" {article.published} ")
        self.blocks(article.body)

    def text(self) -> str:
        for note in self.notes:
            self.blocks(list(note.children))
        return "".join(self.parts)


def title_was_read(article: Article, warnings: list[str]) -> bool:
    """Whether the title is text read once from the document. A title the reader had to guess is not when it
    is the file name, or a copy of a first heading or paragraph that stays in the body (one that holds a
    footnote, or that a table comes before): pandoc reads those words once, or not at all."""
    guessed = next((warning for warning in warnings if "title property: the title" in warning), None)
    if guessed is None:
        return True
    if guessed.endswith("from its file name"):
        return False
    title = " ".join(article.title.split())
    return not any(
        isinstance(block, Paragraph | Heading) and " ".join(plain_text(block.children).split()) == title
        for block in article.body
    )


def model_text(document: Article | Packet, script_break: str = " ", with_titles: bool = True) -> str:
    reader = _ModelText(script_break, with_titles)
    if isinstance(document, Packet):
        reader.cover(document)
    for article in document.articles if isinstance(document, Packet) else [document]:
        reader.article(article)
    return reader.text()


# ---------------------------------------------------------------- the measure


@dataclass
class Measurement:
    path: Path
    similarity: float | None  # None: pandoc could not read the file
    ours: int = 0
    pandoc: int = 0
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # words pandoc read that we did not (a sample)
    extra: list[str] = field(default_factory=list)  # words we read that pandoc did not (a sample)
    recall: float | None = None  # the share of pandoc's words found, in order, in ours
    error: str | None = None

    @property
    def explained(self) -> str | None:
        """Why the file is below the threshold, when it is: nothing pandoc read is missing (we read more), or
        the reader said what it converted or left out; None when the shortfall is unexplained."""
        if self.similarity is None or self.similarity >= THRESHOLD:
            return None
        reasons = []
        if self.recall is not None and self.recall >= THRESHOLD:
            reasons.append("nothing pandoc read is missing: the difference is text pandoc leaves out")
        reported = [warning for warning in self.warnings if any(_said(warning, kind) for kind in LOSS_KINDS)]
        if reported:
            reasons.append(f"reported: {'; '.join(reported)}")
        return "; ".join(reasons) or None


LOSS_KINDS = tuple(MESSAGES.values())


def _said(warning: str, message: str) -> bool:
    """Whether a warning is one of the reader's loss messages (its fixed text around the count)."""
    pattern = re.escape(message).replace(re.escape("{n}"), r"\d+")
    return re.fullmatch(pattern, warning) is not None


def measure(path: Path) -> Measurement:
    from exporter.options import BuildOptions
    from exporter.readers import read_document

    try:
        result = read_document(path, BuildOptions(input_format="docx"))
    except ExportError as error:
        # Refused by both readers: no text to compare, and no shortfall.
        return Measurement(path, None if pandoc_document(path) is None else 0.0, error=str(error))
    warnings = [message.split(": ", 1)[-1] for message in result.warnings]
    with_titles = isinstance(result.document, Packet) or title_was_read(result.document, warnings)
    theirs_document = pandoc_document(path)
    if theirs_document is None:
        return Measurement(path, None, len(words(model_text(result.document, with_titles=with_titles))), 0, warnings)
    # Scripts as separate words, or as parts of the words around them: the reading that agrees better.
    ours, theirs = max(
        (
            (
                words(model_text(result.document, script_break, with_titles)),
                words(pandoc_text(theirs_document, script_break, result.document.language)),
            )
            for script_break in (" ", "")
        ),
        key=lambda pair: similarity(*pair),
    )
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    missing: list[str] = []
    extra: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            extra += ours[i1:i2]
        if tag in ("replace", "insert"):
            missing += theirs[j1:j2]
    recall = matched / len(theirs) if theirs else 1.0
    return Measurement(
        path, similarity(ours, theirs), len(ours), len(theirs), warnings, missing[:12], extra[:12], recall
    )


def files_in(arguments: list[str]) -> list[Path]:
    found: list[Path] = []
    for argument in arguments or [str(CORPUS)]:
        path = Path(argument)
        found += sorted(path.glob("*.docx")) if path.is_dir() else [path]
    return found


def main(arguments: list[str]) -> int:
    results = [measure(path) for path in files_in(arguments)]
    for result in results:
        shown = "pandoc cannot read" if result.similarity is None else f"{result.similarity:.3f}"
        print(f"{shown:>18}  {result.ours:5d} / {result.pandoc:5d} words  {result.path.name}")
        if result.error:
            print(f"{'':>20}refused: {result.error}")
        if result.similarity is not None and result.similarity < THRESHOLD:
            print(f"{'':>20}pandoc only: {' '.join(result.missing)}")
            print(f"{'':>20}ours only:   {' '.join(result.extra)}")
            recall = "" if result.recall is None else f" (recall {result.recall:.3f})"
            print(f"{'':>20}explained:   {result.explained or 'NOT EXPLAINED'}{recall}")
        for warning in result.warnings:
            print(f"{'':>20}warning: {warning}")
    measured = [result for result in results if result.similarity is not None]
    passing = [result for result in measured if result.similarity >= THRESHOLD]
    refused = [result for result in results if result.error]
    complete = [result for result in measured if (result.recall or 0) >= THRESHOLD]
    unexplained = [result for result in measured if result.similarity < THRESHOLD and not result.explained]
    with_text = [result for result in measured if result.pandoc]
    passing_with_text = [result for result in with_text if result.similarity >= THRESHOLD]
    print(
        f"\n{len(results)} files, {len(measured)} also read by pandoc: similarity {THRESHOLD} or more on "
        f"{len(passing)} ({len(passing) / max(len(measured), 1):.1%}; {len(passing_with_text)} of the "
        f"{len(with_text)} in which pandoc reads text, {len(passing_with_text) / max(len(with_text), 1):.1%}), mean "
        f"{sum(result.similarity for result in measured) / max(len(measured), 1):.3f}; pandoc's words found on "
        f"{len(complete)} ({len(complete) / max(len(measured), 1):.1%}); {len(unexplained)} shortfalls unexplained; "
        f"{len(refused)} refused"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
