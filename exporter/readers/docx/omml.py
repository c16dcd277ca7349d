"""Office Math (OMML) equations as their linear text, the way one types them on one line.

The model has no math node (and no raw markup), so an equation becomes text in which superscripts and
subscripts stay superscript and subscript: `x² + y²`, `a/b`, `√(b² − 4ac)`, `∑ᵢ₌₁ⁿ xᵢ` (limits as scripts).
A script inside a script has no further level to go to and is written `^(…)` / `_(…)`. Every structure
OMML has is read; an unknown one contributes its text.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# Word's recognized math functions (Equation Options > Recognized Functions).
FUNCTION_NAMES = frozenset({
    "arccos", "arccot", "arccsc", "arcsec", "arcsin", "arctan", "arg", "cos", "cosh", "cot", "coth", "csc", "csch",
    "def", "deg", "det", "dim", "exp", "gcd", "hom", "inf", "ker", "lg", "lim", "liminf", "limsup", "ln", "log",
    "max", "min", "mod", "Pr", "sec", "sech", "sin", "sinh", "sup", "tan", "tanh",
})


def m(tag: str) -> str:
    return f"{{{M}}}{tag}"


@dataclass(frozen=True)
class Piece:
    text: str
    vert: str | None = None  # "superscript" | "subscript"
    line_break: bool = False


def is_equation(element: etree._Element) -> bool:
    return element.tag in (m("oMath"), m("oMathPara"))


def equation_pieces(element: etree._Element) -> list[Piece]:
    """An `m:oMath` or `m:oMathPara` as text pieces; the equations of one `m:oMathPara` are one per line."""
    if element.tag == m("oMathPara"):
        pieces: list[Piece] = []
        for number, equation in enumerate(element.iter(m("oMath"))):
            if number:
                pieces.append(Piece("", line_break=True))
            pieces += _Linear().pieces(equation)
        return _merged(pieces)
    return _merged(_Linear().pieces(element))


def _merged(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text and not piece.line_break:
            continue
        if merged and not piece.line_break and not merged[-1].line_break and merged[-1].vert == piece.vert:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.vert)
        else:
            merged.append(piece)
    return merged


def _property(element: etree._Element, container: str, name: str, default: str) -> str:
    """An OMML property value such as `m:dPr/m:begChr/@m:val`; present without a value means empty."""
    holder = element.find(f"{m(container)}/{m(name)}")
    if holder is None:
        return default
    return holder.get(m("val"), "")


def _text_of(pieces: list[Piece]) -> str:
    return "".join("\n" if piece.line_break else piece.text for piece in pieces)


class _Linear:
    def __init__(self) -> None:
        self.depth = 0  # how many scripts deep we are

    def pieces(self, element: etree._Element) -> list[Piece]:
        handler = _HANDLERS.get(etree.QName(element).localname) if element.tag.startswith(f"{{{M}}}") else None
        if handler is not None:
            return handler(self, element)
        if element.tag == f"{{{W}}}t":
            return [Piece(element.text or "")]
        if element.tag.endswith("Pr"):  # properties (m:rPr, w:rPr, m:ctrlPr ...): no text
            return []
        return self.children(element)

    def children(self, element: etree._Element | None) -> list[Piece]:
        if element is None:
            return []
        found: list[Piece] = []
        after_function = False
        for child in element:
            if isinstance(child.tag, str):
                pieces = self.pieces(child)
                text = _text_of(pieces)
                if after_function and text[:1].isalnum():
                    found.append(Piece(" "))
                found += pieces
                # A function's name in a run of its own ("sin", then "θ", as pandoc writes it): Word sets its
                # argument apart, and so does the linear text.
                after_function = child.tag == m("r") and text.strip() in FUNCTION_NAMES
        return found

    def part(self, element: etree._Element, name: str) -> list[Piece]:
        return self.children(element.find(m(name)))

    def script(self, pieces: list[Piece], vert: str) -> list[Piece]:
        """Raise or lower pieces; inside a script, write the script linearly instead."""
        if not _text_of(pieces).strip():
            return []
        if self.depth > 0:
            mark = "^" if vert == "superscript" else "_"
            text = _text_of(pieces)
            return [Piece(f"{mark}({text})" if len(text) > 1 else f"{mark}{text}")]
        return [Piece(piece.text, vert, piece.line_break) for piece in pieces]

    def scripted(self, element: etree._Element, name: str) -> list[Piece]:
        self.depth += 1
        try:
            return self.part(element, name)
        finally:
            self.depth -= 1

    # ------------------------------------------------------------ structures

    def run(self, element: etree._Element) -> list[Piece]:
        return [Piece("".join(t.text or "" for t in element.iter(m("t"), f"{{{W}}}t")))]

    def superscript(self, element: etree._Element) -> list[Piece]:
        return self.part(element, "e") + self.script(self.scripted(element, "sup"), "superscript")

    def subscript(self, element: etree._Element) -> list[Piece]:
        return self.part(element, "e") + self.script(self.scripted(element, "sub"), "subscript")

    def sub_superscript(self, element: etree._Element) -> list[Piece]:
        return (
            self.part(element, "e")
            + self.script(self.scripted(element, "sub"), "subscript")
            + self.script(self.scripted(element, "sup"), "superscript")
        )

    def prescripts(self, element: etree._Element) -> list[Piece]:
        return (
            self.script(self.scripted(element, "sub"), "subscript")
            + self.script(self.scripted(element, "sup"), "superscript")
            + self.part(element, "e")
        )

    def fraction(self, element: etree._Element) -> list[Piece]:
        return [*_grouped(self.part(element, "num")), Piece("/"), *_grouped(self.part(element, "den"))]

    def radical(self, element: etree._Element) -> list[Piece]:
        degree = self.scripted(element, "deg")
        hidden = _property(element, "radPr", "degHide", "0") in ("1", "on", "true", "")
        prefix = [] if hidden or not _text_of(degree).strip() else self.script(degree, "superscript")
        return [*prefix, Piece("√"), *_grouped(self.part(element, "e"), always=True)]

    def nary(self, element: etree._Element) -> list[Piece]:
        operator = _property(element, "naryPr", "chr", "∫") or "∫"
        lower = self.script(self.scripted(element, "sub"), "subscript")
        upper = self.script(self.scripted(element, "sup"), "superscript")
        return [Piece(operator), *lower, *upper, Piece(" "), *self.part(element, "e")]

    def delimiter(self, element: etree._Element) -> list[Piece]:
        opening = _property(element, "dPr", "begChr", "(")
        closing = _property(element, "dPr", "endChr", ")")
        separator = _property(element, "dPr", "sepChr", "|")
        pieces = [Piece(opening)]
        for number, part in enumerate(element.findall(m("e"))):
            if number:
                pieces.append(Piece(separator))
            pieces += self.children(part)
        return [*pieces, Piece(closing)]

    def function(self, element: etree._Element) -> list[Piece]:
        name = self.part(element, "fName")
        argument = self.part(element, "e")
        space = [] if _text_of(argument).startswith(("(", "[", "{")) else [Piece(" ")]
        return name + space + argument

    def accent(self, element: etree._Element) -> list[Piece]:
        mark = _property(element, "accPr", "chr", "\u0302")
        return [*self.part(element, "e"), Piece(mark)]

    def lower_limit(self, element: etree._Element) -> list[Piece]:
        return self.part(element, "e") + self.script(self.scripted(element, "lim"), "subscript")

    def upper_limit(self, element: etree._Element) -> list[Piece]:
        return self.part(element, "e") + self.script(self.scripted(element, "lim"), "superscript")

    def equation_array(self, element: etree._Element) -> list[Piece]:
        pieces: list[Piece] = []
        for number, row in enumerate(element.findall(m("e"))):
            if number:
                pieces.append(Piece("", line_break=True))
            pieces += self.children(row)
        return pieces

    def matrix(self, element: etree._Element) -> list[Piece]:
        pieces: list[Piece] = []
        for row_number, row in enumerate(element.findall(m("mr"))):
            if row_number:
                pieces.append(Piece("; "))
            for cell_number, cell in enumerate(row.findall(m("e"))):
                if cell_number:
                    pieces.append(Piece(" "))
                pieces += self.children(cell)
        return pieces

    def phantom(self, element: etree._Element) -> list[Piece]:
        if _property(element, "phantPr", "show", "1") in ("0", "off", "false"):
            return []
        return self.part(element, "e")


def _grouped(pieces: list[Piece], *, always: bool = False) -> list[Piece]:
    """Parentheses around a numerator, denominator or radicand of more than one symbol."""
    text = _text_of(pieces).strip()
    if not always and (len(text) <= 1 or (text.startswith("(") and text.endswith(")")) or text.isalnum()):
        return pieces
    if always and text.startswith("(") and text.endswith(")"):
        return pieces
    return [Piece("("), *pieces, Piece(")")]


_HANDLERS = {
    "r": _Linear.run,
    "sSup": _Linear.superscript,
    "sSub": _Linear.subscript,
    "sSubSup": _Linear.sub_superscript,
    "sPre": _Linear.prescripts,
    "f": _Linear.fraction,
    "rad": _Linear.radical,
    "nary": _Linear.nary,
    "d": _Linear.delimiter,
    "func": _Linear.function,
    "acc": _Linear.accent,
    "limLow": _Linear.lower_limit,
    "limUpp": _Linear.upper_limit,
    "eqArr": _Linear.equation_array,
    "m": _Linear.matrix,
    "phant": _Linear.phantom,
}
