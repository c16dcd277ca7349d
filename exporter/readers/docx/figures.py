"""Captions, and the figures and media items they describe.

A caption paragraph (style Caption, Image Caption, Table Caption..., or a paragraph that opens with a
"Figure N" / "Table N" SEQ field) says what it captions by its SEQ field, else by its label, else by its
style. A figure caption, as the writer lays it out and as people write it: an optional bold first line (the
photo title), the caption text, then the facts "Credit: NAME · VIRIN: ID · Duration: 2:30" (on their own line
or at the end of the caption's last line), then an optional rights line. "Video:" / "Audio:" in bold opens a
media item's caption.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from exporter.i18n import CAPTION_NUMBER, labels
from exporter.model import Figure, Inline, InlineImage, Media, is_virin, normalize_virin
from exporter.readers.docx.drawings import Drawing
from exporter.readers.docx.inlines import (
    atom_length,
    atoms_text,
    drop_prefix,
    split_lines,
    strip_atoms,
    take_prefix,
)
from exporter.readers.docx.items import Atom, Para
from exporter.readers.docx.labels import starts_with_label

CAPTION_STYLES = (
    "caption",
    "image caption",
    "imagecaption",
    "figure caption",
    "table caption",
    "tablecaption",
)


@dataclass
class FigureSource:
    """Where a figure's picture came from, for `media` to extract (or to report as not included)."""

    figure: Figure | InlineImage
    drawing: Drawing | None
    number: int


@dataclass
class CaptionParts:
    title: str | None = None
    caption: list[Atom] = field(default_factory=list)
    credit: str | None = None
    virin: str | None = None
    rights: str | None = None
    duration: str | None = None
    media_kind: str | None = None
    url: str | None = None


class Captions:
    """Caption paragraphs read in the document's language (and English)."""

    def __init__(self, language: str, warnings: list[str], counts: Counter[str], *, own_document: bool) -> None:
        self.warnings = warnings
        self.counts = counts
        # Written by our DOCX writer: its caption numbers are the ones the writer makes again, not the author's.
        self.own_document = own_document
        self.label_figure = labels(language, "Figure")
        self.label_table = labels(language, "Table")
        self.label_video = labels(language, "Video:")
        self.label_audio = labels(language, "Audio:")
        self.label_credit = labels(language, "Credit:")
        self.label_virin = labels(language, "VIRIN:")
        self.label_duration = labels(language, "Duration:")
        self.label_rights = {f"{label}:" for label in labels(language, "Rights")}

    # ------------------------------------------------------------ which paragraphs are captions

    def is_caption(self, para: Para) -> bool:
        if para.has_style(*CAPTION_STYLES):
            return True
        return bool(para.sequences) and bool(self.prefix_length(para))

    def kind(self, para: Para) -> str | None:
        """ "figure" or "table" by the SEQ field, else by the label the caption starts with, else by style."""
        for sequence in para.sequences:
            if sequence.lower() in {label.lower() for label in self.label_table}:
                return "table"
            if sequence.lower() in {label.lower() for label in self.label_figure}:
                return "figure"
        text = atoms_text(para.atoms).lstrip().lower()
        for kind, options in (("table", self.label_table), ("figure", self.label_figure)):
            if any(re.match(rf"{re.escape(label.lower())}\s*\d", text) for label in options):
                return kind
        if para.has_style("table caption", "tablecaption"):
            return "table"
        if para.has_style("image caption", "imagecaption", "figure caption"):
            return "figure"
        return None

    def prefix_length(self, para: Para) -> int:
        """Length of "Figure 3. " / "Table 2-1: " at the start of a caption (0 when there is none). With a SEQ
        field, the label is what comes before the field's number (any label word, "Photo 3", and a chapter
        number) and ends with it: a caption may start with a number of its own ("12 Marines board..."). Without
        one, it is a known label and its number."""
        text = atoms_text(para.atoms)
        after = re.compile(r"\s*[.:\u2013\u2014-]?\s*")
        number = _sequence_number(para.atoms)
        if number:
            # The SEQ field's number in any format (3, IV, c), after a label and a chapter number ("2-") if any;
            # it ends where the field's result ends ("Figure 2:2024 results" keeps its year).
            before = re.fullmatch(r"\s*(?:\S+\s*)??(?:\d+[-\u2011.:\u2014\u2013])?", text[: number[0]])
            return after.match(text, number[1]).end() if before else 0
        names = "|".join(re.escape(label) for label in sorted(self.label_figure | self.label_table, key=len))
        match = re.match(rf"^\s*(?:{names})\s*{CAPTION_NUMBER}{after.pattern}", text, flags=re.IGNORECASE)
        return match.end() if match else 0

    def text_atoms(self, para: Para, captioned: str | None) -> list[Atom]:
        """The caption's own text, for what it captions ("figure", "table" or None: nothing). A figure's "Figure
        1:" label is left out: every output numbers figures itself. A table's "Table 1:" stays in the model (the
        build leaves it out, as from any input: pipeline.drop_table_labels), but for the "Table N." our DOCX
        writer put there and writes again. A caption that captions nothing keeps its label, as does one that is
        only a label but for a figure's SEQ-field number ("Figure 3."), which is no text of its own."""
        label_is_made_again = captioned == "figure" or (captioned == "table" and self.own_document)
        length = self.prefix_length(para) if label_is_made_again else 0
        rest = drop_prefix(para.atoms, length)
        if not atoms_text(rest).strip():
            if not (length and para.sequences and captioned == "figure"):
                return list(para.atoms)
            rest = []
        if length and not self.own_document:
            self.counts["caption_label"] += 1
        return rest

    # ------------------------------------------------------------ parts

    def media_label(self, atoms: list[Atom]) -> tuple[str, int] | None:
        """("video"|"audio", label length) when the text opens with the bold "Video:" or "Audio:" label."""
        stripped = strip_atoms(atoms)
        if not stripped or stripped[0].kind != "text" or not stripped[0].bold:
            return None
        text = atoms_text(stripped)
        for kind, options in (("video", self.label_video), ("audio", self.label_audio)):
            for label in options:
                if text.startswith(label):
                    return kind, len(atoms_text(atoms)) - len(text) + len(label)
        return None

    def opens_media(self, para: Para) -> bool:
        """Whether the caption, after its number, opens with the "Video:" or "Audio:" label."""
        return self.media_label(drop_prefix(para.atoms, self.prefix_length(para))) is not None

    def parse(self, atoms: list[Atom]) -> CaptionParts:
        parts = CaptionParts()
        lines = [strip_atoms(line) for line in split_lines(strip_atoms(atoms))]
        lines = [line for line in lines if atoms_text(line).strip()]
        if lines:
            kind = self.media_label(lines[0])
            if kind is not None:
                parts.media_kind = kind[0]
                lines[0] = strip_atoms(drop_prefix(lines[0], kind[1]))
                if not atoms_text(lines[0]).strip():
                    lines.pop(0)
        if lines and _all_bold(lines[0]):
            parts.title = " ".join(atoms_text(lines[0]).split())
            lines.pop(0)
        if parts.media_kind and lines and all(atom.link is not None for atom in lines[-1] if atom.kind == "text"):
            first_link = next((atom.link for atom in lines[-1] if atom.link is not None), None)
            if first_link is not None:
                parts.url = first_link.href
                lines.pop()
        facts_at = None
        for position in range(len(lines) - 1, -1, -1):
            if self.facts(atoms_text(lines[position]), parts, dry_run=True):
                facts_at = position
                break
        if facts_at is None and lines and not self.own_document:
            # Our writer puts the facts on a line of their own: in its documents, "Credit:" inside a caption's
            # line is the author's caption text.
            facts_at = self._split_trailing_facts(lines, parts)
        caption_lines = lines
        if facts_at is not None:
            self.facts(atoms_text(lines[facts_at]), parts, dry_run=False)
            rights = [" ".join(atoms_text(line).split()) for line in lines[facts_at + 1 :]]
            parts.rights = " ".join(rights) or None
            caption_lines = lines[:facts_at]
        kept: list[list[Atom]] = []
        for line in caption_lines:
            rights = starts_with_label(atoms_text(line), self.label_rights)
            if rights:
                parts.rights = rights
            else:
                kept.append(line)
        for number, line in enumerate(kept):
            if number:
                parts.caption.append(Atom("break"))
            parts.caption.extend(line)
        if parts.rights:
            rights = starts_with_label(parts.rights, self.label_rights)
            parts.rights = rights or parts.rights
        return parts

    def _split_trailing_facts(self, lines: list[list[Atom]], parts: CaptionParts) -> int | None:
        """ "A caption. Credit: NASA · VIRIN: …" on one line: the facts become a line of their own."""
        last = lines[-1]
        text = atoms_text(last)
        options = self.label_credit | self.label_virin
        starts = [match.start() for label in options for match in re.finditer(re.escape(label), text)]
        for start in sorted(set(starts)):
            if start and self.facts(text[start:], CaptionParts(media_kind=parts.media_kind), dry_run=True):
                lines[-1:] = [strip_atoms(take_prefix(last, start)), strip_atoms(drop_prefix(last, start))]
                return len(lines) - 1
        return None

    def facts(self, text: str, parts: CaptionParts, *, dry_run: bool) -> bool:
        """ "Credit: NASA · VIRIN: 230214-D-TT977-0483 · Duration: 2:30", each part optional. A line that is only
        a duration that is not one (a photo's, or not in M:SS) is caption text ("Duration: ten days of training");
        beside a credit or VIRIN, such a duration is left out with a warning."""
        pieces = [piece.strip() for piece in text.split("\u00b7") if piece.strip()]
        facts = [(starts_with_label(piece, self.label_credit), starts_with_label(piece, self.label_virin),
                  starts_with_label(piece, self.label_duration)) for piece in pieces]
        if not facts or any(fact == (None, None, None) for fact in facts):
            return False
        if not any(credit is not None or virin is not None or self._duration(duration, parts)
                   for credit, virin, duration in facts):
            return False
        if dry_run:
            return True
        for credit, virin, duration in facts:
            if credit is not None:
                parts.credit = credit or None
            elif virin is not None:
                value = normalize_virin(virin)
                if is_virin(value):
                    parts.virin = value
                elif value:
                    self.warnings.append(f"{value!r} in a caption is not a VIRIN (YYMMDD-S-XXXXX-NNNN); left out")
            elif iso := self._duration(duration, parts):
                parts.duration = iso
            elif duration:
                problem = ("is not a duration (M:SS or H:MM:SS)" if parts.media_kind
                           else "is in a photo's caption: only video and audio items have one")
                self.warnings.append(f"'Duration: {duration}' {problem}; left out")
        return True

    @staticmethod
    def _duration(text: str | None, parts: CaptionParts) -> str | None:
        """A video's or audio item's duration as ISO 8601, when `text` is one."""
        return iso_duration(text) if text is not None and parts.media_kind else None


class FigureMaker:
    """Figures and media items with their pictures recorded for extraction (`media`)."""

    def __init__(self, inlines: Callable[[list[Atom]], list[Inline]], warnings: list[str]) -> None:
        self.inlines = inlines
        self.warnings = warnings
        self.sources: list[FigureSource] = []

    def figure(
        self, drawing: Drawing | None, caption: CaptionParts | None, *, with_caption: bool, poster: bool = False
    ) -> Figure:
        number = len(self.sources) + 1
        alt = drawing.descr.strip() if drawing and drawing.descr and drawing.descr.strip() else None
        stored_title = drawing.title.strip() if drawing and drawing.title and drawing.title.strip() else None
        decorative = bool(drawing and drawing.decorative and not alt)
        stored_virin = None
        if drawing and drawing.name and is_virin(drawing.name):
            stored_virin = normalize_virin(drawing.name)
        # pandoc (and Word's older alt-text "Title") keep the photo title in docPr/@title; our writer shows it
        # as the caption's bold first line, and never writes @title.
        title = (caption.title if caption else None) or stored_title
        virin = caption.virin if caption else None
        if poster:
            # A video's poster: the caption belongs to the video; the writer names the picture by its VIRIN.
            title, virin = None, stored_virin
        elif caption is None and not with_caption:
            title = stored_title
            if stored_virin and drawing is not None and not decorative:
                virin = stored_virin
                self.warnings.append(
                    f"figure {number}: no caption paragraph below the picture; its VIRIN {stored_virin} was "
                    "recovered from the picture's name"
                )
        elif stored_virin and stored_virin != virin and virin is None:
            self.warnings.append(
                f"figure {number}: the picture's name holds the VIRIN {stored_virin}, but its caption "
                "no longer does; the VIRIN was left out"
            )
        figure = Figure(
            image=f"figure-{number}",  # replaced by the extracted image's name in `media`
            alt=None if decorative else alt,
            decorative=decorative,
            title=title,
            caption=self.inlines(caption.caption) if caption else [],
            credit=caption.credit if caption else None,
            virin=virin,
            rights=caption.rights if caption else None,
        )
        self.sources.append(FigureSource(figure, drawing, number))
        return figure

    def inline_image(self, drawing: Drawing) -> InlineImage:
        """A picture inside running text; `media` points it at its picture as it does a figure's."""
        number = len(self.sources) + 1
        alt = "" if drawing.decorative else " ".join((drawing.descr or "").split())
        title = " ".join((drawing.title or "").split()) or None
        image = InlineImage(image=f"image-{number}", alt=alt, title=title)
        self.sources.append(FigureSource(image, drawing, number))
        return image

    def media(self, caption: CaptionParts, poster: Figure | None) -> Media:
        return Media(
            kind=caption.media_kind or "video",
            url=caption.url,
            title=caption.title,
            caption=self.inlines(caption.caption),
            credit=caption.credit,
            virin=caption.virin,
            duration=caption.duration,
            poster=poster,
        )


def _sequence_number(atoms: list[Atom]) -> tuple[int, int] | None:
    """Where the first SEQ field's result is in the atoms' text (start, end), if there is one."""
    position, span = 0, None
    for atom in atoms:
        size = atom_length(atom)
        if atom.seq and atom.text.strip():
            start = position + len(atom.text) - len(atom.text.lstrip())
            span = (span[0] if span else start, position + len(atom.text.rstrip()))
        elif span and (atom.kind != "text" or atom.text):
            break
        position += size
    return span


def _all_bold(atoms: list[Atom]) -> bool:
    texts = [atom for atom in atoms if atom.kind == "text" and atom.text.strip()]
    return bool(texts) and all(atom.bold for atom in texts) and not any(atom.link for atom in texts)


def iso_duration(text: str) -> str | None:
    """ "2:30" or "1:02:03" (how the writer shows durations) back to ISO 8601 (PT2M30S, PT1H2M3S)."""
    value = text.strip()
    if value.upper().startswith("PT"):
        return value.upper()
    parts = value.split(":")
    if not all(part.isdigit() for part in parts) or not 2 <= len(parts) <= 3:
        return None
    numbers = [int(part) for part in parts]
    hours, minutes, seconds = [0, *numbers][-3:]
    result = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    result += f"{seconds}S" if seconds or result == "PT" else ""
    return result
