"""Word's numbered paragraphs back into nested lists.

Word has no list element: each item is a paragraph with a numbering definition (`w:numId`) and a level
(`w:ilvl`). The nesting is rebuilt from the levels, and whatever the paragraphs do, no item is lost:

- a level deeper than the one before opens a sub-list in the last item, through empty items when levels are
  skipped (Word shows them as indented bullets with nothing above), and a list that begins or resumes deeper
  than it goes on hangs from an empty item (standing for the item it resumes under), but for a numbered list
  that begins deeper than any item, which is a list of its own;
- an empty numbered paragraph is an item only if a sub-list hangs from it; the numbered items after one keep the
  number Word shows (they start a list of their own at it);
- another list at the same level starts a new list (top level) or a new sub-list, unless it shares the
  numbering definition and does not restart it, or both are bulleted (Word shows one list);
- a bullet that is a ballot box (☐, ☒) makes its items tasks: each starts with its box (`model.TASK_BOXES`);
- a list resumed after other paragraphs starts at the number Word shows, counted the way Word counts: lists
  that share a definition count on together, a start override restarts the count where it is first used;
- a numbered paragraph without a visible marker continues the item above it (pandoc writes an item's second
  paragraph that way).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from exporter.model import Block, ListBlock, Paragraph, Text
from exporter.readers.docx.items import Para
from exporter.readers.docx.styles import Numbering

TWIPS_PER_LEVEL = 720  # Word and our writer indent list levels by half an inch
MAX_LEVEL = 9


@dataclass
class _Frame:
    num_id: str
    level: int
    ordered: bool
    start: int | None
    number_style: str | None = None
    items: list[list[Block | _Frame]] = field(default_factory=list)

    def last_item(self) -> list[Block | _Frame]:
        if not self.items:
            self.items.append([])
        return self.items[-1]


class ListBuilder:
    def __init__(
        self, numbering: Numbering, paragraph: Callable[[Para], Paragraph], counts: Counter[str]
    ) -> None:
        self.numbering = numbering
        self.paragraph = paragraph  # turns a scanned paragraph into the model's
        self.counts = counts  # losses.MESSAGES' kinds
        self._stack: list[_Frame] = []
        self._counters: dict[tuple[str, int], int] = {}
        self._restarted: set[tuple[str, int]] = set()  # (numId, level) whose start override was applied

    @property
    def open(self) -> bool:
        return bool(self._stack)

    def item(self, para: Para) -> list[ListBlock]:
        """Add a numbered paragraph; returns the lists it finished, when it starts another one."""
        assert para.num is not None
        num_id, level = para.num[0], min(para.num[1], MAX_LEVEL - 1)
        number = self._count(num_id, level)
        finished: list[ListBlock] = []
        while len(self._stack) > 1 and self._stack[-1].level > level:
            self._stack.pop()
        if self._stack and self._stack[0].level > level:
            definition = self.numbering.level(num_id, level)
            if definition.ordered and number == definition.start:
                # A numbered list that began deeper than any item at this level: a list of its own before this
                # one (an empty item above it would take this item's number).
                finished = self.close()
            else:
                # A sub-list with no item above it: what came so far hangs from an empty item, which stands for
                # the item before this one in Word's count when the list resumed under it.
                root = self._frame(num_id, level, number - 1)
                root.items.append([self._stack[0]])
                self._stack = [root]
        top = self._stack[-1] if self._stack else None
        if top is not None and top.level == level and top.num_id != num_id and not self._same_list(top, para):
            if len(self._stack) == 1:
                finished = self.close()
            else:
                self._stack.pop()
            top = self._stack[-1] if self._stack else None
        if top is None:
            self._stack.append(self._frame(num_id, level, number))
        else:
            for depth in range(top.level + 1, level + 1):
                frame = self._frame(num_id, depth, number if depth == level else 1)
                self._stack[-1].last_item().append(frame)
                self._stack.append(frame)
        content = self.paragraph(para) if para.text.strip() or any(a.kind == "note" for a in para.atoms) else None
        box = self.numbering.level(num_id, level).task_box
        if content is not None and box:
            first = content.children[0] if content.children else None
            if isinstance(first, Text):
                content.children[0] = Text(text=f"{box} {first.text}")
            else:
                content.children.insert(0, Text(text=box + " "))
        self._stack[-1].items.append([content] if content is not None else [])
        return finished

    def _same_list(self, top: _Frame, para: Para) -> bool:
        assert para.num is not None
        num_id, level = para.num
        numbering = self.numbering
        if not top.ordered and not numbering.level(num_id, level).ordered:
            return True  # bullets have no count to restart: Word shows one list (pandoc's task items, each own)
        return numbering.abstract_of(num_id) == numbering.abstract_of(top.num_id) and (
            numbering.start_override(num_id, level) is None
        )

    def continuation(self, para: Para, level: int | None = None) -> None:
        """A paragraph that continues an item: at `level` (a marker-less numbered paragraph), else at the
        depth its indent shows (a List Paragraph without a number)."""
        if level is not None:
            depth = level
        else:
            depth = max(0, round((para.left_indent or TWIPS_PER_LEVEL) / TWIPS_PER_LEVEL) - 1)
        while len(self._stack) > 1 and self._stack[-1].level > depth:
            self._stack.pop()
        self._stack[-1].last_item().append(self.paragraph(para))

    def add_block(self, block: Block) -> None:
        """A block that belongs to the current item (a quotation numbered as part of the list, as pandoc
        nests one in a list item)."""
        self._stack[-1].last_item().append(block)

    def close(self) -> list[ListBlock]:
        """The finished list (none when nothing in it had content; more than one when empty items broke its
        numbering)."""
        if not self._stack:
            return []
        root = self._stack[0]
        self._stack = []
        return _list_blocks(root)

    def _frame(self, num_id: str, level: int, number: int) -> _Frame:
        definition = self.numbering.level(num_id, level)
        if definition.other_format:
            self.counts["number_format"] += 1
        if definition.worded:
            self.counts["worded_number"] += 1
        start = number if definition.ordered else None
        return _Frame(num_id, level, definition.ordered, start, definition.number_style)

    def _count(self, num_id: str, level: int) -> int:
        """The number Word shows for this item; deeper levels start again after it."""
        key = (self.numbering.abstract_of(num_id), level)
        start = self.numbering.level(num_id, level).start
        override = self.numbering.start_override(num_id, level)
        if override is not None and (num_id, level) not in self._restarted:
            self._restarted.add((num_id, level))
            self._counters.pop(key, None)
        self._counters[key] = self._counters.get(key, start - 1) + 1
        for deeper in range(level + 1, MAX_LEVEL):
            self._counters.pop((key[0], deeper), None)
        return self._counters[key]


def _list_blocks(frame: _Frame) -> list[ListBlock]:
    """The frame's list; an empty item is none, and in a numbered list the items after it keep the numbers Word
    shows them with: they start a list of their own."""
    lists: list[ListBlock] = []
    items: list[list[Block]] = []
    start = frame.start
    for position, item in enumerate(frame.items):
        blocks: list[Block] = []
        for child in item:
            if isinstance(child, _Frame):
                blocks.extend(_list_blocks(child))
            elif child is not None:
                blocks.append(child)
        if blocks:
            items.append(blocks)
        elif frame.start is not None:  # a number shown with nothing after it
            if items:
                lists.append(_list_block(frame, start, items))
                items = []
            start = frame.start + position + 1
    if items:
        lists.append(_list_block(frame, start, items))
    return lists


def _list_block(frame: _Frame, start: int | None, items: list[list[Block]]) -> ListBlock:
    return ListBlock(ordered=frame.ordered, start=start, number_style=frame.number_style, items=items)
