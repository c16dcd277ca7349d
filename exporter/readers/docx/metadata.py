"""Article metadata from a DOCX: the visible header and provenance block reconciled with what the writer
stored in custom document properties (`exporter.*`, File > Properties > Custom in Word and LibreOffice).

Rules (issue 10): visible text the editor changed wins over stored values; when the visible text still says
what the stored value says, the stored value is kept exactly (a date shown as "January 20, 2025" is stored as
"2025-01-20T09:30:00+00:00"); what only the properties carry (site name, article id, the page's own claim to
be official) comes from them; a field that was lost is recovered from visible text where possible, otherwise
a warning says so. Nothing is invented: the official notice is derived from the URL, never read from text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from exporter.errors import ExportError
from exporter.i18n import gettext, labels
from exporter.model import Byline, Source, check_iso8601
from exporter.provenance import US_GOVERNMENT_WORK
from exporter.readers.docx.blocks import Header
from exporter.readers.docx.inlines import minimal_language
from exporter.readers.docx.items import Para
from exporter.readers.docx.labels import starts_with_label
from exporter.readers.docx.package import Package

CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
PREFIX = "exporter."
# What the writer stores is a URL, a date, a short list: far below this. Longer values are refused, not parsed.
MAX_PROPERTY_CHARS = 64 * 1024
_URL = re.compile(r"(?:https?|mailto):[^\s()<>]+", re.IGNORECASE)


def custom_properties(package: Package) -> dict[str, str]:
    """docProps/custom.xml (found through the package relationships), parsed with the safe parser."""
    name = next(
        (
            rel.target
            for rel in package.relationships("").values()
            if rel.type.endswith("/custom-properties") and not rel.external
        ),
        "docProps/custom.xml",
    )
    if not package.has(name):
        return {}
    found: dict[str, str] = {}
    for prop in package.xml(name).iter(f"{{{CUSTOM_PROPS_NS}}}property"):
        value = next(iter(prop), None)
        text = (value.text or "") if value is not None else ""
        if len(text) > MAX_PROPERTY_CHARS:
            raise ExportError(
                f"refused: custom property {prop.get('name', '')[:60]!r} holds {len(text)} characters "
                f"(the limit is {MAX_PROPERTY_CHARS})",
                file=package.path,
            )
        found[prop.get("name", "")] = text
    return found


def core_properties(package: Package) -> dict[str, str]:
    name = next(
        (
            rel.target
            for rel in package.relationships("").values()
            if rel.type.endswith("/metadata/core-properties") and not rel.external
        ),
        "docProps/core.xml",
    )
    if not package.has(name):
        return {}
    root = package.xml(name)
    found: dict[str, str] = {}
    for key, path in (
        ("title", "dc:title"),
        ("subject", "dc:subject"),
        ("creator", "dc:creator"),
        ("language", "dc:language"),
        ("keywords", "cp:keywords"),
    ):
        element = root.find(path, CORE_NS)
        if element is not None and (element.text or "").strip():
            found[key] = element.text.strip()
    return found


def document_language(
    stored: dict[str, str], core: dict[str, str], style_default: str | None, items: Sequence[object] = ()
) -> str:
    """The language the exporter stored, else the language most of the body's letters are in (a draft written in
    Arabic keeps English as Word's default language and marks its text as right-to-left, complex script), else
    the styles' default, else the core properties'."""
    stored_language = stored.get(PREFIX + "language")
    most_text = None if stored_language else _language_of_most_text(items, style_default)
    for candidate in (stored_language, most_text, style_default, core.get("language")):
        language = minimal_language(candidate)
        if language:
            return language
    return "en"


# Paragraphs mostly of labels and fixed statements ("Published by:", "Credit:", the US-government-work rights
# statement), which stay English in an article of a language without a catalog: they say nothing of its language.
_FIXED_TEXT_STYLES = ("provenance", "dateline", "caption", "photo placeholder")


def _language_of_most_text(items: Sequence[object], default: str | None) -> str | None:
    """The language of more than half of the letters of the body's paragraphs, when it is not `default`."""
    marked: Counter[str | None] = Counter()
    for item in items:
        counted = isinstance(item, Para) and not item.has_style(*_FIXED_TEXT_STYLES)
        for atom in item.atoms if counted else ():
            marked[atom.lang or default] += sum(character.isalpha() for character in atom.text)
    letters: Counter[str | None] = Counter()
    for tag, count in marked.items():  # "en-US" and "en" are one language
        letters[minimal_language(tag)] += count
    if not letters:
        return None
    language, count = letters.most_common(1)[0]
    return language if language != minimal_language(default) and count * 2 > letters.total() else None


def long_date(value: str, language: str) -> str:
    from exporter.i18n import long_date as format_long

    return format_long(value, language)


def parse_long_date(text: str, language: str) -> str | None:
    """ "January 21, 2025" / "21 de enero de 2025" / "2025-01-21" as an ISO date; None if it is not a date."""
    value = text.strip().rstrip(".")
    try:
        return check_iso8601(value)
    except ValueError:
        pass
    from babel import Locale

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, LookupError):
        locale = Locale.parse("en")
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                months[name.lower().rstrip(".")] = number
    for number, name in Locale.parse("en").months["format"]["wide"].items():
        months.setdefault(name.lower(), number)
    words = re.findall(r"[^\W\d_]+\.?", value.lower())
    month = next((months[word.rstrip(".")] for word in words if word.rstrip(".") in months), None)
    numbers = [int(number) for number in re.findall(r"\d+", value)]
    years = [number for number in numbers if number >= 1000]
    days = [number for number in numbers if 1 <= number <= 31]
    if month is None or len(years) != 1 or len(days) != 1:
        return None
    try:
        return date(years[0], month, days[0]).isoformat()
    except ValueError:
        return None


@dataclass
class Metadata:
    title: str | None
    dek: str | None
    byline: Byline | None
    published: str | None
    updated: str | None
    language: str
    source: Source
    rights: str | None
    keywords: list[str]
    article_id: str | None
    warnings: list[str] = field(default_factory=list)


class MetadataReader:
    def __init__(
        self,
        header: Header,
        stored: dict[str, str],
        core: dict[str, str] | None,
        language: str,
        prefix: str = PREFIX,
    ) -> None:
        """`prefix` selects one article's stored properties (`exporter.articles.2.` in a packet); `core` is
        None when the core properties describe something else (a packet's, not its articles')."""
        self.header = header
        self.stored = {
            key[len(prefix) :]: value
            for key, value in stored.items()
            if key.startswith(prefix) and "." not in key[len(prefix) :]
        }
        self.core_applies = core is not None
        self.core = core or {}
        self.language = language
        self.warnings: list[str] = []

    def read(self) -> Metadata:
        header = self.header
        ours = header.provenance_heading or bool(header.provenance)
        if ours and not self.stored:
            self.warnings.append(
                "the exporter's document properties are missing (saved by an application that drops custom "
                "properties?): provenance was read from the visible text only; the site name, article id and "
                "the page's own official-site claim could not be recovered"
            )
        published, updated = self._dates()
        source, rights = self._provenance()
        keywords = self._keywords()
        return Metadata(
            title=header.title or self.core.get("title"),
            dek=header.dek,
            byline=self._byline(),
            published=published,
            updated=updated,
            language=self.language,
            source=source,
            rights=rights,
            keywords=keywords,
            article_id=self.stored.get("article_id") or None,
            warnings=self.warnings,
        )

    def _keywords(self) -> list[str]:
        """Core keywords (File > Properties), which LibreOffice re-joins with spaces: the stored list while
        the        same words are shown, else the shown text split at commas or semicolons."""
        stored = self._stored_list("keywords")
        if not self.core_applies:
            return stored
        shown = self.core.get("keywords", "")
        if stored and re.split(r"[\s,;]+", shown.strip()) == re.split(r"[\s,;]+", " ".join(stored).strip()):
            return stored
        return [word.strip() for word in re.split(r"[,;]", shown) if word.strip()]

    def _stored_list(self, key: str) -> list[str]:
        return self.stored_list(self.stored, key)

    @staticmethod
    def stored_list(stored: dict[str, str], key: str) -> list[str]:
        """A property holding a JSON list of strings (byline people, keywords, picture digests)."""
        value = stored.get(key)
        if not value:
            return []
        try:
            items = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested deep enough to exhaust the parser
            return []
        return [str(item) for item in items if str(item).strip()] if isinstance(items, list) else []

    # ------------------------------------------------------------ byline

    def _byline(self) -> Byline | None:
        header = self.header
        people_stored = self._stored_people()
        organization = self.stored.get("byline_organization") or None
        if header.byline is None:
            if header.authors:
                return Byline(people=header.authors)
            if people_stored or organization:
                self.warnings.append(
                    "the byline paragraph is missing; the byline was restored from the properties"
                )
                return Byline(people=people_stored, organization=organization)
            return None
        template = gettext(self.language, "By %(names)s")
        prefix = template.split("%(names)s")[0]
        text = header.byline
        for candidate in {prefix, "By "}:
            if candidate and text.lower().startswith(candidate.lower()):
                text = text[len(candidate) :].strip()
                break
        if not text:
            return None
        if people_stored or organization:
            stored = Byline(people=people_stored, organization=organization)
            if stored.text() == text:
                return stored
            if organization and text.endswith(", " + organization):
                names = text[: -len(organization) - 2]
                return Byline(people=_split_names(names), organization=organization)
            if organization and text == organization:
                return Byline(organization=organization)
        return Byline(people=_split_names(text))

    def _stored_people(self) -> list[str]:
        return self._stored_list("byline_people")

    # ------------------------------------------------------------ dates

    def _visible_date(self, shown: str, stored: str | None, what: str) -> str | None:
        """A date as the editor left it: the exact stored value while the text still shows it."""
        if stored and long_date(stored, self.language) == shown.strip():
            return stored
        parsed = parse_long_date(shown, self.language)
        if parsed is None:
            if stored:
                self.warnings.append(
                    f"the {what} date {shown!r} is not a date; kept {stored} from the properties"
                )
            else:
                self.warnings.append(f"the {what} date {shown!r} is not a date; left out")
            return stored
        return parsed

    def _dates(self) -> tuple[str | None, str | None]:
        stored_published = self.stored.get("published") or None
        stored_updated = self.stored.get("updated") or None
        header = self.header
        if header.dateline is None:
            if header.date:
                parsed = parse_long_date(header.date, self.language)
                return parsed or stored_published, stored_updated
            if stored_published or stored_updated:
                self.warnings.append("the dateline is missing; the dates were restored from the properties")
            return stored_published, stored_updated
        published = updated = None
        seen_published = seen_updated = False
        for part in header.dateline.split("\u00b7"):
            value = starts_with_label(part, labels(self.language, "Published"))
            if value is not None:
                seen_published = True
                published = self._visible_date(value, stored_published, "published")
                continue
            value = starts_with_label(part, labels(self.language, "Updated"))
            if value is not None:
                seen_updated = True
                updated = self._visible_date(value, stored_updated, "updated")
        if not seen_published and stored_published:
            published = stored_published
            self.warnings.append(
                "the dateline no longer shows the published date; restored from the properties"
            )
        if not seen_updated and stored_updated:
            updated = stored_updated
            self.warnings.append(
                "the dateline no longer shows the updated date; restored from the properties"
            )
        return published, updated

    # ------------------------------------------------------------ provenance

    def _provenance(self) -> tuple[Source, str | None]:
        stored = self.stored
        visible = _provenance_lines(self.header.provenance, self.language)
        if not self.header.provenance and not self.header.provenance_heading and stored:
            self.warnings.append(
                "the provenance block is missing from the text; restored from the properties"
            )
        url = stored.get("source_url") or None
        if "url" in visible:
            url = visible["url"] or None
        elif url:
            self.warnings.append(
                "the provenance block does not show the source URL; restored from the properties"
            )
        stored_agency = stored.get("agency") or None
        site_name = stored.get("site_name") or None
        agency = stored_agency
        if "agency" in visible:
            shown = visible["agency"]
            if shown != (stored_agency or site_name):
                agency = shown or None
        retrieved = stored.get("retrieved") or None
        if "retrieved" in visible:
            retrieved = self._visible_date(visible["retrieved"], retrieved, "retrieved")
        rights = stored.get("rights") or None
        if "rights" in visible:
            shown = visible["rights"]
            if shown == rights:
                pass
            elif shown == US_GOVERNMENT_WORK or shown == gettext(self.language, US_GOVERNMENT_WORK):
                rights = None  # derived from the official source, not the article's own statement
            else:
                rights = shown or None
        claims = stored.get("page_claims_official")
        source = Source(
            url=url,
            agency=agency,
            site_name=site_name,
            retrieved=retrieved,
            page_claims_official=None if claims is None else claims.lower() == "true",
        )
        return source, rights


def _provenance_lines(paragraphs: list[Para], language: str) -> dict[str, str]:
    """The labelled lines of the provenance block ("Published by: ...", "Source: ...", ...)."""
    found: dict[str, str] = {}
    source_labels = {f"{label}:" for label in labels(language, "Source")} | labels(language, "Source:")
    for para in paragraphs:
        text = " ".join(para.text.split())
        agency = starts_with_label(text, {f"{label}:" for label in labels(language, "Published by")})
        if agency is not None:
            found["agency"] = agency
            continue
        retrieved = starts_with_label(text, {f"{label}:" for label in labels(language, "Retrieved")})
        if retrieved is not None:
            found["retrieved"] = retrieved
            continue
        rights = starts_with_label(text, {f"{label}:" for label in labels(language, "Rights")})
        if rights is not None:
            found["rights"] = rights
            continue
        source = starts_with_label(text, source_labels)
        if source is not None:
            found["url"] = _source_url(source, para, language)
    return found


def _source_url(text: str, para: Para, language: str) -> str:
    """The address the editor sees: "(https://...)" after the link text, else the link's target, else a bare
    URL; "Not recorded" is no URL."""
    if text in labels(language, "Not recorded"):
        return ""
    shown = re.search(r"\((\S+?)\)\s*$", text)
    if shown and _URL.fullmatch(shown.group(1)):
        return shown.group(1)
    link = next((atom.link.href for atom in para.atoms if atom.link is not None), None)
    if link:
        return link
    bare = _URL.search(text)
    return bare.group(0) if bare else text


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]
