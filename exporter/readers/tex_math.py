"""TeX math (`$E = mc^2$`, as pandoc reads Markdown) as the linear text the model can hold: superscripts and
subscripts as the model's, Greek letters and operators as their Unicode characters, `\\frac{a}{b}` as `a/b`,
`\\sqrt{x}` as `√x`. A command not known here stays as written; the reader says how many formulas it converted
and whether some of their commands were left as written, as the DOCX reader does for equations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exporter.limits import MAX_NESTING
from exporter.model import Inline, Subscript, Superscript, Text, merge_text

SYMBOLS = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
    # operators and relations
    "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆", "circ": "∘",
    "bullet": "∙", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "ll": "≪", "gg": "≫", "in": "∈",
    "notin": "∉", "ni": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆", "supseteq": "⊇", "cup": "∪",
    "cap": "∩", "setminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "varnothing": "∅", "infty": "∞", "partial": "∂",
    "nabla": "∇", "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "oint": "∮",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺", "mapsto": "↦", "uparrow": "↑",
    "downarrow": "↓", "perp": "⊥", "parallel": "∥", "mid": "∣", "angle": "∠", "triangle": "△",
    "degree": "°", "prime": "′", "ell": "ℓ", "hbar": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "langle": "⟨", "rangle": "⟩",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "vert": "|", "Vert": "‖", "backslash": "\\",
    "lbrace": "{", "rbrace": "}", "percent": "%", "|": "‖",
    # spacing
    "quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", ":": "\u2005", ";": "\u2005", " ": " ",
    "!": "",
}
# Written as their names, upright: log x, sin x.
FUNCTIONS = {"log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
             "sinh", "cosh", "tanh", "max", "min", "sup", "inf", "lim", "liminf", "limsup", "det", "dim", "gcd",
             "arg", "deg", "ker", "Pr", "mod", "bmod"}
# Their argument is what they show (fonts and boxes).
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
                 "mathcal", "mathbb", "mathfrak", "boldsymbol", "operatorname", "mbox", "hbox", "emph", "bm"}
# Sizes and fences that add nothing to the text: the delimiter after them stays.
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
           "textstyle", "scriptstyle", "limits", "nolimits"}

_TOKEN = re.compile(r"\\([A-Za-z]+|.)|(\s+)|(.)", re.DOTALL)


@dataclass
class LinearMath:
    inlines: list[Inline]
    unknown: list[str] = field(default_factory=list)  # commands left as written


class TooDeep(ValueError):
    """Groups nested past MAX_NESTING: refused, as any input nested that deep is."""


def linear_math(tex: str) -> LinearMath:
    parser = _Parser(tex)
    pieces = parser.sequence(top=True)
    return LinearMath(_merged(pieces), parser.unknown)


class _Parser:
    def __init__(self, tex: str) -> None:
        self.tokens = [(match.group(1), match.group(2), match.group(3)) for match in _TOKEN.finditer(tex.strip())]
        self.position = 0
        self.unknown: list[str] = []
        self.depth = 0  # groups open
        self.in_script = False  # inside a superscript or subscript: a script in it is written as text (^2)

    def peek(self) -> tuple[str | None, str | None, str | None] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def sequence(self, top: bool = False) -> list[Inline]:
        """Atoms up to the group's closing brace (which is taken) or the end."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise TooDeep(f"a formula's groups nested more than {MAX_NESTING} levels deep (the limit); refused")
        try:
            return self._sequence(top)
        finally:
            self.depth -= 1

    def _sequence(self, top: bool) -> list[Inline]:
        result: list[Inline] = []
        while (token := self.peek()) is not None:
            _, space, char = token
            if char == "}":
                self.position += 1
                if not top:
                    return result
                continue  # an unbalanced brace shows nothing
            if char in ("^", "_"):
                self.position += 1
                result.extend(self.script(char))
                continue
            if space is not None:
                self.position += 1
                if result and not _ends_in_space(result):
                    result.append(Text(text=" "))
                continue
            result.extend(self.atom())
        return result

    def script(self, mark: str) -> list[Inline]:
        """The atom after `^` or `_` as the model's superscript or subscript; inside one, as linear text (`x^{2^3}`
        is x and a superscript "2^3": the model's scripts do not nest, and Markdown cannot write them nested)."""
        if self.in_script:
            inner = self.atom()
            return [Text(text=mark), *(_grouped(inner) if len(inner) > 1 else inner)]
        self.in_script = True
        try:
            inner = self.atom()
        finally:
            self.in_script = False
        return [Superscript(children=inner) if mark == "^" else Subscript(children=inner)]

    def atom(self) -> list[Inline]:
        token = self.peek()
        if token is None:
            return []
        self.position += 1
        command, space, char = token
        if space is not None:
            return self.atom()  # `x^ 2`: the script is the next atom
        if char is not None:
            return self.sequence() if char == "{" else [Text(text=char)]
        assert command is not None
        if command in SYMBOLS:
            return [Text(text=SYMBOLS[command])]
        if command in FUNCTIONS:
            following = self.peek()
            spaced = following is not None and ((following[0] or "").isalpha() or (following[2] or "").isalnum())
            return [Text(text=command + (" " if spaced else ""))]  # sin θ, not sinθ; sin(x) stays
        if command in IGNORED:
            return []
        if command in TEXT_COMMANDS:
            return self.argument(verbatim=command.startswith(("text", "mbox", "hbox", "operatorname")))
        if command in ("frac", "dfrac", "tfrac"):
            numerator, denominator = self.argument(), self.argument()
            return [*_grouped(numerator), Text(text="/"), *_grouped(denominator)]
        if command == "sqrt":
            degree = self.optional()
            root = [Superscript(children=degree)] if degree else []
            return [*root, Text(text="√"), *_grouped(self.argument())]
        if command == "\\":
            return [Text(text=" ")]  # a line break in an aligned formula
        if len(command) == 1 and not command.isalpha():
            return [Text(text=command)]  # \{ \} \$ \% \& \# \_
        self.unknown.append(command)
        written = "\\" + command  # as written, with its arguments (\begin{pmatrix})
        while (token := self.peek()) is not None and token[2] == "{":
            written += self.verbatim_group()
        return [Text(text=written)]

    def argument(self, verbatim: bool = False) -> list[Inline]:
        """A command's argument: a group, or the next atom. Text commands keep their spaces."""
        token = self.peek()
        while token is not None and token[1] is not None:
            self.position += 1
            token = self.peek()
        if verbatim and token is not None and token[2] == "{":
            return [Text(text=self.verbatim_group()[1:-1])]
        return self.atom()

    def verbatim_group(self) -> str:
        """The `{...}` group at the position as written, braces included (balanced; an unclosed one to the end)."""
        depth, text = 0, []
        while (token := self.peek()) is not None:
            self.position += 1
            command, space, char = token
            depth += char == "{"
            depth -= char == "}"
            text.append(space or char or "\\" + (command or ""))
            if depth == 0:
                break
        return "".join(text)

    def optional(self) -> list[Inline]:
        """`[n]` after `\\sqrt`: the root's degree."""
        if self.peek() is None or self.peek()[2] != "[":
            return []
        self.position += 1
        result: list[Inline] = []
        while (token := self.peek()) is not None and token[2] != "]":
            result.extend(self.atom())
        self.position += 1
        return result


def _grouped(pieces: list[Inline]) -> list[Inline]:
    """An operand as linear text shows it: in parentheses unless it is a single letter, number or symbol."""
    text = "".join(piece.text for piece in pieces if isinstance(piece, Text))
    simple = all(isinstance(piece, Text) for piece in pieces) and (text.isalnum() or len(text) <= 1)
    return pieces if simple else [Text(text="("), *pieces, Text(text=")")]


def _ends_in_space(pieces: list[Inline]) -> bool:
    return isinstance(pieces[-1], Text) and pieces[-1].text.endswith(" ")


def _merged(pieces: list[Inline]) -> list[Inline]:
    """Neighbouring texts as one, spaces at either end trimmed."""
    result = merge_text(pieces)
    if result and isinstance(result[0], Text):
        result[0] = Text(text=result[0].text.lstrip())
    if result and isinstance(result[-1], Text):
        result[-1] = Text(text=result[-1].text.rstrip())
    return [piece for piece in result if not (isinstance(piece, Text) and not piece.text)]
