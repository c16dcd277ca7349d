"""Flat runs (text with bold/italic/code/language/link) back into the model's nested inlines.

Word stores formatting per run, the model as a tree. The tree is rebuilt in one fixed nesting order, link
outermost, then language span, emphasis, strong, strikeout, superscript or subscript, with code, text and footnotes as
leaves, so the same runs always give the same tree (the order the Markdown reader produces for `***both***`:
emphasis around strong). A footnote is never inside a link or a superscript: its call is the writers' to draw.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from exporter.model import (
    Code,
    Emphasis,
    Footnote,
    Inline,
    LineBreak,
    Link,
    Paragraph,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Text,
    check_language,
)
from exporter.readers.docx.drawings import Drawing
from exporter.readers.docx.items import Atom, LinkRef
from exporter.urls import safe_href


def minimal_language(tag: str | None) -> str | None:
    """The shortest tag with the same likely meaning (CLDR "remove likely subtags"): LibreOffice saves `uk` as
    `uk-UA` and `en` as `en-US`; both mean the same language as before. Invalid tags give None."""
    if not tag:
        return None
    import langcodes

    try:
        language = langcodes.Language.get(tag)
        check_language(tag)
    except (ValueError, LookupError):
        return None
    if language.variants or language.extlangs or not language.language:
        return str(language)
    full = language.maximize()
    candidates = (
        langcodes.Language.make(language=language.language),
        langcodes.Language.make(language=language.language, territory=language.territory),
        langcodes.Language.make(language=language.language, script=language.script),
    )
    for candidate in candidates:
        if candidate.maximize() == full:
            return str(candidate)
    return str(language)


def strip_atoms(atoms: list[Atom]) -> list[Atom]:
    """Leading and trailing white space and line breaks of a paragraph are layout, not content."""
    items = list(atoms)
    while items and (items[0].kind == "break" or (items[0].kind == "text" and not items[0].text.strip())):
        items.pop(0)
    while items and (items[-1].kind == "break" or (items[-1].kind == "text" and not items[-1].text.strip())):
        items.pop()
    if items and items[0].kind == "text":
        items[0] = _with_text(items[0], items[0].text.lstrip())
    if items and items[-1].kind == "text":
        items[-1] = _with_text(items[-1], items[-1].text.rstrip())
    return items


def _with_text(atom: Atom, text: str) -> Atom:
    from dataclasses import replace

    return replace(atom, text=text)


def split_lines(atoms: list[Atom]) -> list[list[Atom]]:
    lines: list[list[Atom]] = [[]]
    for atom in atoms:
        if atom.kind == "break":
            lines.append([])
        else:
            lines[-1].append(atom)
    return lines


def atoms_text(atoms: list[Atom]) -> str:
    return "".join(
        atom.text if atom.kind == "text" else "\n" if atom.kind == "break" else "" for atom in atoms
    )


def atom_length(atom: Atom) -> int:
    """How many characters of `atoms_text` the atom makes."""
    return len(atom.text) if atom.kind == "text" else 1 if atom.kind == "break" else 0


def drop_prefix(atoms: list[Atom], length: int) -> list[Atom]:
    """Remove the first `length` characters (a caption's "Figure 3. ", an attribution's dash)."""
    result: list[Atom] = []
    remaining = length
    for atom in atoms:
        if remaining <= 0:
            result.append(atom)
            continue
        size = atom_length(atom)
        if size <= remaining:
            remaining -= size
            continue
        result.append(_with_text(atom, atom.text[remaining:]))
        remaining = 0
    return result


def take_prefix(atoms: list[Atom], length: int) -> list[Atom]:
    """The first `length` characters (what `drop_prefix` removes)."""
    result: list[Atom] = []
    remaining = length
    for atom in atoms:
        if remaining <= 0:
            break
        size = atom_length(atom)
        if size <= remaining:
            result.append(atom)
            remaining -= size
        else:
            result.append(_with_text(atom, atom.text[:remaining]))
            remaining = 0
    return result


# Makes the model's picture inside running text from a drawing (the figure reader numbers and keeps it).
Pictures = Callable[[Drawing], Inline]


def build_inlines(atoms: list[Atom], document_language: str, pictures: Pictures | None = None) -> list[Inline]:
    """Model inlines for a run of atoms. Pictures are figures, not inlines, and are skipped, unless `pictures`
    is given: then each is a picture inside the text."""
    base = minimal_language(document_language) or document_language
    prepared: list[Atom] = []
    for atom in atoms:
        if (atom.kind == "drawing" and (pictures is None or atom.drawing is None)) or (
            atom.kind == "text" and not atom.text
        ):
            continue
        lang = minimal_language(atom.lang)
        if lang is not None and lang.lower() == base.lower():
            lang = None
        link = atom.link if atom.link is not None and safe_href(atom.link.href) else None
        if atom.kind == "note":
            link = None
            atom = _replace(atom, vert=None, strike=False)
        prepared.append(_replace(atom, lang=lang, link=link))
    return _nest(prepared, 0, document_language, pictures)


def _replace(atom: Atom, **changes: object) -> Atom:
    from dataclasses import replace

    return replace(atom, **changes)


def _link(link: LinkRef, children: list[Inline]) -> Inline:
    return Link(href=link.href, title=link.title, children=children)


# Outermost first: what groups the atoms at each level, and the inline a group with a value becomes.
_LEVELS: tuple[tuple[Callable[[Atom], object], Callable[..., Inline]], ...] = (
    (lambda atom: atom.link, _link),
    (lambda atom: atom.lang, lambda lang, children: Span(lang=str(lang), children=children)),
    (lambda atom: atom.italic, lambda _, children: Emphasis(children=children)),
    (lambda atom: atom.bold, lambda _, children: Strong(children=children)),
    (lambda atom: atom.strike, lambda _, children: Strikeout(children=children)),
    (lambda atom: atom.vert, lambda vert, children: (Superscript if vert == "superscript" else Subscript)(
        children=children)),
)


def _nest(atoms: list[Atom], level: int, document_language: str, pictures: Pictures | None) -> list[Inline]:
    if level == len(_LEVELS):
        return _leaves(atoms, document_language, pictures)
    key, make = _LEVELS[level]
    result: list[Inline] = []
    for value, group in groupby(atoms, key=key):
        children = _nest(list(group), level + 1, document_language, pictures)
        if not children:
            continue
        if value:
            result.append(make(value, children))
        else:
            result.extend(children)
    return result


def note_paragraphs(paragraphs: list, document_language: str) -> list[Paragraph]:
    """A footnote's paragraphs (scanned `Para`s), the empty ones left out."""
    found = []
    for para in paragraphs:
        children = build_inlines(strip_atoms(para.atoms), document_language)
        if children:
            found.append(Paragraph(children=children))
    return found


def _leaves(atoms: list[Atom], document_language: str, pictures: Pictures | None) -> list[Inline]:
    result: list[Inline] = []
    for atom in atoms:
        if atom.kind == "drawing" and pictures is not None and atom.drawing is not None:
            result.append(pictures(atom.drawing))
        elif atom.kind == "note":
            paragraphs = note_paragraphs(atom.note or [], document_language)
            if paragraphs:
                result.append(Footnote(children=paragraphs))
        elif atom.kind == "break":
            result.append(LineBreak())
        elif atom.code:
            if result and isinstance(result[-1], Code):
                result[-1] = Code(text=result[-1].text + atom.text)
            else:
                result.append(Code(text=atom.text))
        elif result and isinstance(result[-1], Text):
            result[-1] = Text(text=result[-1].text + atom.text)
        else:
            result.append(Text(text=atom.text))
    return result
