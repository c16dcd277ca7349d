"""What the reader converted or left out, said once per kind with a count: nothing is lost without a word."""

from __future__ import annotations

from collections import Counter

MESSAGES = {
    "tracked_change": "{n} tracked change(s) read as if accepted (insertions kept, deletions dropped)",
    "hidden_text": "{n} run(s) of hidden text left out",
    "unfollowable_link": "{n} link(s) to a file or a program (not a web, mail or telephone address) left out; "
    "their text stays",
    "comment": "{n} comment(s) left out: the article model has no comments",
    "endnote": "{n} endnote(s) read as footnotes",
    "nested_note": "{n} note reference(s) inside a note left out: notes cannot nest",
    "missing_note": "{n} note reference(s) point to no note; left out",
    "title_note": "{n} footnote(s) on the title left out: the title is plain text (anchor the note in the text)",
    "table_in_note": "{n} note(s) held a table, left out of the note: notes hold paragraphs",
    "picture_in_note": "{n} note(s) held a picture, left out of the note: notes hold text",
    "equation": "{n} equation(s) kept as text (their linear form, superscripts and subscripts kept)",
    "chart_described": "{n} chart(s) replaced by their alt text",
    "chart_dropped": "{n} chart(s) dropped: no text equivalent (give the chart alt text to keep a description)",
    "smartart_text": "{n} SmartArt diagram(s) kept as their text, one paragraph per node",
    "smartart_described": "{n} SmartArt diagram(s) replaced by their alt text",
    "smartart_dropped": "{n} SmartArt diagram(s) dropped: no text equivalent",
    "text_box": "{n} text box(es) read into the text after the paragraph they are anchored in: check that they "
    "read in order there",
    "wordart": "{n} WordArt text(s) kept as plain text",
    "picture_link": "{n} link(s) on a picture or drawing left out: put the address in the caption or the text",
    "empty_picture": "{n} picture frame(s) with no image and no description left out",
    "shape_described": "{n} drawing shape(s) without text or picture replaced by their alt text",
    "shape_dropped": "{n} drawing shape(s) without text, picture or alt text left out",
    "embedded_object": "{n} embedded object(s) (OLE) left out: no text equivalent",
    "placeholder": "{n} content control(s) nobody filled in left out: they showed only their prompt (such as "
    "\"Click or tap here to enter text.\")",
    "heading_number": "{n} heading number(s) from Word's outline numbering (such as 2.1) left out: the outputs "
    "do not number headings (write a number into the heading's text to keep it)",
    "ruby": "{n} pronunciation guide(s) (ruby, furigana) left out: the text they annotate is kept",
    "page_furniture": "{n} page header(s) and footer(s) with text left out: they are page furniture (text a "
    "reader needs, such as \"FOR IMMEDIATE RELEASE\", belongs in the body)",
    "toc": "{n} table(s) of contents left out: they list the headings, which are kept",
    "index": "{n} index(es) left out: they list words of the text with the pages they are on, which the outputs "
    "do not share",
    "underline": "{n} run(s) of underlined text kept without the underline: the article model has no underline "
    "(readers take underlined text for a link; use italic or bold for emphasis)",
    "highlight": "{n} run(s) of highlighted text kept without the highlight",
    "small_caps": "{n} run(s) in small capitals kept as typed",
    "private_symbol": "{n} symbol(s) of a picture font such as Wingdings have no known Unicode character and "
    "read as \ufffd: insert them in Word as Unicode characters (Insert > Symbol, from a font such as Segoe UI "
    "Symbol)",
    "caption_label": "{n} figure caption number(s) such as \"Figure 1:\" left out of the caption text: every "
    "output numbers figures itself",
    "alt_chunk": "{n} imported document chunk(s) (altChunk) left out: open and save the file in Word first",
    "table_description": "{n} table description(s) (alt text) left out: a table is described by its caption and "
    "its header cells",
    "nested_table": "{n} nested table(s) kept as lines of text in their cell: the model's cells hold text",
    "number_format": "{n} list(s) numbered in a format the article model has no style for (such as 01, 1st or "
    "one) numbered 1, 2, 3",
    "worded_number": "{n} list(s) numbered with words around the number (such as \"Article 1.\" or \"Section "
    "2.1\") numbered 1, 2, 3 without the words: write them into the items' text to keep them",
    "list_in_cell": "{n} list item(s) in table cells kept as lines of text: the model's cells hold text",
    "picture_in_cell": "{n} picture(s) in table cells moved after their table: the model's cells hold text",
}


def describe(counts: Counter[str]) -> list[str]:
    """One warning per kind that occurred, in a fixed order."""
    return [message.format(n=counts[kind]) for kind, message in MESSAGES.items() if counts.get(kind)]
