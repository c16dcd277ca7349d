"""Everything a build can be told, in one place, so readers, writers and the CLI agree on names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildOptions:
    formats: tuple[str, ...] = ("html",)
    out_dir: Path = field(default_factory=Path.cwd)
    input_format: str | None = None  # --from: overrides detection by extension
    alt_from_caption: bool = False
    strict: bool = False
    embed_images: bool = False
    images_dir: Path | None = None
    allow_network: bool = False
    source_url: str | None = None
    retrieved: str | None = None
    page_size: str = "letter"  # letter | a4
    pdf_profile: str = "ua"  # ua | archive (PDF/A-3a + PDF/UA-1)
    a11y_certifier: str | None = None
    embed_fonts: bool = False
    max_image_edge: int | None = None  # overrides each format's default
    check: bool = False
    debug: bool = False
    # Alt text a person wrote for figures, by figure number through the document (1-based, as errors number them):
    # the web app's fix form. It replaces what the source says for those figures.
    alt_text: dict[int, str] = field(default_factory=dict)
    # Worker processes for the parts of one input (a packet's articles, in the PDF writer). The batch sets it
    # from --jobs when it builds inputs one at a time; inputs built in parallel render their parts in turn.
    jobs: int = 1
