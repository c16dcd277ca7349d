"""Error lines in YAML and JSON: a packet asks for the line of each entry, so its text is parsed once."""

from __future__ import annotations

import pytest
import yaml

from exporter.readers import locate


def test_each_entry_line_without_parsing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "title: P\narticles:\n" + "".join(f"  - article-{n}.md\n" for n in range(300))
    parses = []
    real_compose = yaml.compose

    def compose(*args, **kwargs):
        parses.append(1)
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(yaml, "compose", compose)
    locate._composed.cache_clear()
    lines = [locate.yaml_line(text, ("articles", n)) for n in range(300)]
    assert lines == list(range(3, 303)) and len(parses) == 1
    assert locate.yaml_line("a: [", ("a",)) is None  # does not parse: no line
    assert locate.yaml_line(text + "extra: 1\n", ("extra",)) == 303 and len(parses) == 3
