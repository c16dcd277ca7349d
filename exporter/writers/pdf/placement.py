"""Figure placement for print: a figure that does not fit at the foot of a page is scaled down to finish that page
before it is moved to the next one.

WeasyPrint 70 has no page floats (`float: top/bottom`) and resolves a percentage `max-height` against an auto
height (that is, not at all), so no style sheet can say "as tall as the rest of this page allows". Instead the
document is laid out, each figure that was pushed onto the next page (leaving a gap behind it) is given the
height that gap allows, when that is at least MIN_IMAGE_SHARE of the text height, and the document is laid out
again. When even the smallest size does not fit, the text after the figure flows up before it (the figure moves
down in the HTML) and the repair pass restores the model's order in the structure tree. When that text ends at
the next numbered figure with room still left, the text after that figure flows up before both in the same layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

# The smallest an image is scaled to (as a share of the page's text height) to finish a page; a smaller photo
# would lose what it shows, so below this the figure moves to the next page whole.
MIN_IMAGE_SHARE = 0.45
# A decorative image shows nothing a reader needs: it scales much further rather than stand alone on a page.
MIN_DECORATIVE_SHARE = 0.1
# Slack for rounding when a figure is brought up to the foot of a page (CSS px).
SLACK_PX = 4.0
# A figure that cannot be scaled enough lets the text after it flow up before it when the gap it leaves is larger
# than this share of the text height.
MOVE_GAP_SHARE = 0.15
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Each pass is a full layout: each figure is scaled at most once and moves past as many blocks as fit at once, so a
# typical article needs one to four; the cap bounds the cost of a long one.
MAX_PASSES = 8

Layout = Any  # weasyprint.document.Document


@dataclass(frozen=True)
class Pushed:
    """A figure that starts a page, and what it would need to finish the page before it instead."""

    figure_id: str
    image_height: float
    needed: float  # the height by which the image must shrink
    room: float  # the height left free at the foot of the page before
    text_height: float  # the height of that page's text area
    decorative: bool
    # Decorative images on the page before (figure id, image height): they give way first (see placed_better).
    ornaments: tuple[tuple[str, float], ...] = ()
    # How many of the blocks after the figure fit in the room before it (at least one: text can split).
    followers: int = 1
    # When those blocks end at a numbered figure and room is left, that figure's id and how many of the blocks
    # after it fit in what is left: both figures pass them (see then_passed).
    chained: tuple[str, int] | None = None

    @property
    def floor(self) -> float:
        """The smallest the image may become."""
        return (MIN_DECORATIVE_SHARE if self.decorative else MIN_IMAGE_SHARE) * self.text_height


def placed(render: Callable[[str], Layout], root) -> Layout:
    """Lay out with `render(extra_css)` until no pushed figure can be scaled or moved to finish the page before
    it. `root` is the parsed HTML `render` lays out: a figure that moves is moved there (see move_down)."""
    heights: dict[str, float] = {}
    layout = render("")
    for _ in range(MAX_PASSES):
        if not any(placed_better(pushed, heights, root) for pushed in pushed_figures(layout)):
            return layout
        layout = render(scaling_css(heights))
    return layout


def placed_better(pushed: Pushed, heights: dict[str, float], root) -> bool:
    """Scale the pushed figure to finish the page before it (once; when its own floor is not low enough,
    decorative images on that page give the rest), or else let the text after it flow up before it. False when
    neither applies: the figure starts its page as laid out."""
    if pushed.figure_id not in heights:
        own = max(pushed.image_height - pushed.floor, 0.0)
        shortfall = pushed.needed - own
        given = {}
        for figure_id, height in pushed.ornaments:
            if shortfall <= 0:
                break
            take = min(height - MIN_DECORATIVE_SHARE * pushed.text_height, shortfall)
            if take > 0:
                given[figure_id] = height - take
                shortfall -= take
        if shortfall <= 0:
            heights[pushed.figure_id] = pushed.image_height - min(pushed.needed, own)
            heights.update(given)
            return True
    if pushed.room < MOVE_GAP_SHARE * pushed.text_height or not move_down(root, pushed.figure_id, pushed.followers):
        return False
    if pushed.chained:
        # The next figure moves past the blocks after it first, then this one follows it: the order the next two
        # layouts would reach one figure at a time, in one.
        next_id, blocks = pushed.chained
        if move_down(root, next_id, blocks):
            move_down(root, pushed.figure_id, blocks)
    return True


def move_down(root, figure_id: str, blocks: int) -> bool:
    """Let the blocks after a figure flow up before it: the figure moves after them in the HTML, and its
    class `moved-N` says how many blocks it passed, so that the repair pass puts its structure element back in
    the model's reading order (repair.figures_in_reading_order). Like a float in print, it may pass a heading (the
    figure stays in its article: only its siblings are passed) or an ornament; never a numbered figure (one with
    a caption), so numbers stay in order."""
    parents = {child: parent for parent in root.iter() for child in parent}
    figure = next((element for element in root.iter() if element.get("id") == figure_id), None)
    if figure is None:
        return False
    parent = parents[figure]
    index = list(parent).index(figure)
    passed = 0
    while passed < blocks and index + passed + 1 < len(parent) and not is_numbered_figure(parent[index + passed + 1]):
        passed += 1
    if not passed:
        return False
    # Ornaments passed are not counted: they have no structure element of their own (their Div is empty).
    counted = sum(1 for element in parent[index + 1:index + passed + 1] if element.tag != "figure")
    classes = (figure.get("class") or "").split()
    moved = next((int(name[6:]) for name in classes if name.startswith("moved-")), 0)
    classes = [name for name in classes if not name.startswith("moved-")] + [f"moved-{moved + counted}"]
    figure.set("class", " ".join(classes))
    parent.remove(figure)
    parent.insert(index + passed, figure)
    return True


def is_numbered_figure(element) -> bool:
    """A <figure> with a caption ("Figure N."): unlike an ornament, it keeps its place among the figures."""
    return element.tag == "figure" and any(child.tag == "figcaption" for child in element)


def scaling_css(heights: dict[str, float]) -> str:
    """Image heights by figure id. A decorative image is a background whose box height is its padding-top."""
    rules = []
    for figure_id, height in sorted(heights.items()):
        rules.append(
            f"#{figure_id} img {{ max-height: {height:.1f}px !important; width: auto !important; }}\n"
            f"#{figure_id} .decorative-image {{ padding-top: {height:.1f}px !important; }}"
        )
    return "\n".join(rules)


def pushed_figures(layout: Layout) -> Iterator[Pushed]:
    """Figures that start a page (after nothing but headings kept with them) while the page before, in the same
    article, ends with room to spare."""
    pages = [page._page_box for page in layout.pages]
    for before, page in pairwise(pages):
        if article_of(before, last=True) is not article_of(page, last=False):
            continue
        figure = leading_figure(page)
        if figure is None:
            continue
        image = image_box(figure)
        if image is None:
            continue
        text_height = before.height
        # On its new page the figure's top margin is truncated; at the foot of the page before it is not. Its
        # bottom margin is truncated at the foot of a page either way.
        margin = figure.style["margin_top"].value if figure.style["margin_top"].unit == "px" else 0.0
        room = before.content_box_y() + text_height - content_bottom(before) - margin - SLACK_PX
        used = figure.border_box_y() + figure.border_height() - page.content_box_y()
        if used > room > 0:
            ornaments = tuple(
                (box.element.get("id"), image_box(box).padding_height())
                for box in boxes(before)
                if getattr(box, "element_tag", None) == "figure" and box.element.get("id") and is_decorative(box)
            )
            followers, filled = followers_fitting(page, figure, room)
            yield Pushed(
                figure.element.get("id"), image.padding_height(), used - room, room, text_height,
                is_decorative(figure), ornaments, followers,
                then_passed(pages, page, figure, followers, room - filled, text_height),
            )


def article_first_pages(layout: Layout) -> list[int]:
    """The page number (1-based) on which each <article> of the document starts, in order."""
    starts, seen = [], set()
    for number, page in enumerate(layout.pages, start=1):
        for box in boxes(page._page_box):
            if getattr(box, "element_tag", None) == "article" and id(box.element) not in seen:
                seen.add(id(box.element))
                starts.append(number)
    return starts


def followers_fitting(page_box, figure, room: float) -> tuple[int, float]:
    """How many of the blocks after the figure on its page fit, one after the other, in `room` (at least one:
    the next may split across the pages), and the height they fill."""
    parent = _parent_box(page_box, figure)
    if parent is None:
        return 1, room
    after = parent.children[parent.children.index(figure) + 1:]
    count, used = 0, 0.0
    for box in after:
        if used + box.margin_height() > room:
            break
        used += box.margin_height()
        count += 1
    return (count, used) if count else (1, room)


def then_passed(
    pages: list, page_box, figure, followers: int, left: float, text_height: float
) -> tuple[str, int] | None:
    """When the blocks that flow up before a pushed figure stop at a numbered figure (which it may not pass) with
    room still left, the id of that figure and how many of the blocks after it fit in that room."""
    parent = _parent_box(page_box, figure)
    siblings = list(parent.element) if parent is not None else []
    if left < MOVE_GAP_SHARE * text_height or figure.element not in siblings:
        return None
    position = siblings.index(figure.element) + 1
    while followers and position < len(siblings) and not is_numbered_figure(siblings[position]):
        position += 1
        followers -= 1
    if position >= len(siblings) or not is_numbered_figure(siblings[position]):
        return None
    blocker = siblings[position]
    for page in pages:
        box = next((box for box in boxes(page) if getattr(box, "element", None) is blocker), None)
        if box is not None and blocker.get("id"):
            count, _ = followers_fitting(page, box, left)
            return blocker.get("id"), count
    return None


def _parent_box(page_box, box):
    """The box on the page that holds `box` among its children (None when the page has none)."""
    return next((parent for parent in boxes(page_box) if box in getattr(parent, "children", ())), None)


def boxes(box) -> Iterator[Any]:
    """Every box of a page in document order, margin boxes (page furniture) left out."""
    from weasyprint.formatting_structure.boxes import MarginBox

    for child in getattr(box, "children", ()):
        if isinstance(child, MarginBox):
            continue
        yield child
        yield from boxes(child)


def article_of(page_box, *, last: bool):
    """The article element at the top (or foot) of a page; None for a page outside any (a packet's cover)."""
    found = [box.element for box in boxes(page_box) if getattr(box, "element_tag", None) == "article"]
    if not found:
        return None
    return found[-1] if last else found[0]


def leading_figure(page_box):
    """The first figure on the page, when only headings (kept with it by break-after: avoid) come before it."""
    from weasyprint.formatting_structure.boxes import LineBox

    for box in boxes(page_box):
        tag = getattr(box, "element_tag", None)
        if tag == "figure" and box.element.get("id"):
            return box
        if tag in HEADINGS:
            continue
        if isinstance(box, LineBox) and not _inside_heading(box):
            return None
    return None


def _inside_heading(line) -> bool:
    return getattr(line, "element_tag", None) in HEADINGS


def is_decorative(figure) -> bool:
    image = image_box(figure)
    return image is not None and (image.element_tag != "img" or not image.element.get("alt"))


def image_box(figure):
    """The image of a figure: an <img>, or the box of a decorative background image."""
    for box in boxes(figure):
        if getattr(box, "element_tag", None) == "img":
            return box
        element = getattr(box, "element", None)
        if element is not None and "decorative-image" in (element.get("class") or "").split():
            return box
    return None


def content_bottom(page_box) -> float:
    """The foot of the lowest line, image or empty box (a drawn background) on the page."""
    from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox

    bottom = page_box.content_box_y()
    for box in boxes(page_box):
        if isinstance(box, LineBox | ReplacedBox) or not getattr(box, "children", None):
            bottom = max(bottom, box.position_y + box.margin_height())
    return bottom
