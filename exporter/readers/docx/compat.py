"""Two dialects turned into the one the reader knows, once, as each part is parsed.

- **Strict OOXML** (ISO/IEC 29500 Strict, Word's "Strict Open XML Document") names the same elements in
  `http://purl.oclc.org/ooxml/...` namespaces and relationship types; they are renamed to the Transitional
  names, so the rest of the reader sees one vocabulary.
- **Markup compatibility** (`mc:AlternateContent`): Word writes a drawing twice, a `mc:Choice` for readers that
  know its namespaces (text boxes as DrawingML shapes) and a `mc:Fallback` for those that do not (the same box
  as VML). Exactly one branch is kept, the first choice whose required namespaces are understood, else the
  fallback, so nothing is read twice.
"""

from __future__ import annotations

from lxml import etree

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
TRANSITIONAL_PREFIX = "http://schemas.openxmlformats.org/"
# Strict names whose Transitional counterpart is not the general pattern (`X/Y` -> `X/2006/Y`).
_STRICT_EXCEPTIONS = {
    "officeDocument/customProperties": "officeDocument/2006/custom-properties",
    "officeDocument/extendedProperties": "officeDocument/2006/extended-properties",
}

# Namespaces whose markup the reader understands, so a `mc:Choice` requiring them is taken over the fallback:
# DrawingML shapes, groups and canvases (text boxes, grouped pictures), Word 2010+ run and paragraph
# extensions, DrawingML 2010 picture extensions, and math.
UNDERSTOOD = {
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/drawing/2010/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/picture",
}


def transitional_name(namespace: str) -> str:
    """The Transitional namespace (or relationship type) for a Strict one; anything else unchanged."""
    if not namespace.startswith(STRICT_PREFIX):
        return namespace
    rest = namespace[len(STRICT_PREFIX) :]
    for strict, transitional in _STRICT_EXCEPTIONS.items():
        if rest == strict or rest.startswith(strict + "/"):
            return TRANSITIONAL_PREFIX + transitional + rest[len(strict) :]
    area, _, name = rest.partition("/")
    return f"{TRANSITIONAL_PREFIX}{area}/2006/{name}" if name else namespace


def _renamed(name: str) -> str:
    if name.startswith("{" + STRICT_PREFIX):
        namespace, _, local = name[1:].partition("}")
        return "{" + transitional_name(namespace) + "}" + local
    return name


def to_transitional(root: etree._Element) -> bool:
    """Rename Strict element and attribute names in place; True when the part was Strict."""
    if STRICT_PREFIX not in (root.tag if isinstance(root.tag, str) else "") and not any(
        namespace and namespace.startswith(STRICT_PREFIX) for namespace in root.nsmap.values()
    ):
        return False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = _renamed(element.tag)
        for name in [name for name in element.attrib if name.startswith("{" + STRICT_PREFIX)]:
            value = element.attrib.pop(name)
            element.set(_renamed(name), value)
    etree.cleanup_namespaces(root)
    return True


def resolve_alternate_content(root: etree._Element) -> None:
    """Replace every `mc:AlternateContent` by the content of the one branch a reader like this one takes."""
    for block in list(root.iter(f"{{{MC_NS}}}AlternateContent")):
        parent = block.getparent()
        if parent is None:
            continue
        chosen = _chosen_branch(block)
        position = parent.index(block)
        kept = list(chosen) if chosen is not None else []
        tail = block.tail
        parent.remove(block)
        for offset, child in enumerate(kept):
            parent.insert(position + offset, child)
        if tail:
            _append_text(parent, position + len(kept) - 1, tail)


def _chosen_branch(block: etree._Element) -> etree._Element | None:
    for branch in block:
        if branch.tag == f"{{{MC_NS}}}Choice":
            prefixes = (branch.get("Requires") or "").split()
            if prefixes and all(branch.nsmap.get(prefix) in UNDERSTOOD for prefix in prefixes):
                return branch
        elif branch.tag == f"{{{MC_NS}}}Fallback":
            return branch
    return None


def _append_text(parent: etree._Element, index: int, text: str) -> None:
    if index < 0:
        parent.text = (parent.text or "") + text
    else:
        sibling = parent[index]
        sibling.tail = (sibling.tail or "") + text
