from lxml import etree

from exporter.xmltext import escape, escape_attribute

AWKWARD = 'Fish & Chips <b>"quoted"</b> > \'single\''


def test_escaped_text_and_attribute_parse_back_to_the_original():
    root = etree.fromstring(f'<p title="{escape_attribute(AWKWARD)}">{escape(AWKWARD)}</p>')
    assert root.text == AWKWARD
    assert root.get("title") == AWKWARD


def test_text_escaping_leaves_quotes_alone():
    assert escape('a "b" & <c>') == 'a "b" &amp; &lt;c&gt;'
