"""BCP 47 language tags: the common two-letter forms checked at once, any other tag through langcodes.

Nearly every article declares "en" or "en-US". Importing langcodes compiles a pattern of every subtag in the IANA
registry, a tenth of a second: longer than the rest of reading a Markdown article. So a tag of a two-letter
language and an optional two-letter region is looked up in the lists below, which are langcodes' own answers for
every pair of letters (`tests/foundation/test_model.py` asks langcodes again for all 676 pairs of each, so a
registry update that changes one fails there); every other tag, and every tag these lists refuse, goes to langcodes.
"""

from __future__ import annotations

_LANGUAGES = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee
    el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io
    is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk
    ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc
    sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu
"""

_REGIONS = """
    AA AC AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
    BU BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CP CR CS CT CU CV CW CX CY CZ DD DE DG DJ DK DM DO DY DZ
    EA EC EE EG EH ER ES ET EU EZ FI FJ FK FM FO FQ FR FX GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU HV IC ID IE IL IM IN IO IQ IR IS IT JE JM JO JP JT KE KG KH KI KM KN KP KR KW KY KZ LA
    LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MI MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC
    NE NF NG NH NI NL NO NP NQ NR NT NU NZ OM PA PC PE PF PG PH PK PL PM PN PR PS PT PU PW PY PZ QA QM QN QO QP
    QQ QR QS QT QU QV QW QX QY QZ RE RH RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SU SV SX
    SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TP TR TT TV TW TZ UA UG UK UM UN US UY UZ VA VC VD VE VG VI VN VU
    WF WK WS XA XB XC XD XE XF XG XH XI XJ XK XL XM XN XO XP XQ XR XS XT XU XV XW XX XY XZ YD YE YT YU ZA ZM ZR
    ZW ZZ
"""

TWO_LETTER_LANGUAGES = frozenset(_LANGUAGES.split())
TWO_LETTER_REGIONS = frozenset(_REGIONS.split())


def is_valid_language_tag(tag: str) -> bool:
    """Whether `tag` is a well-formed BCP 47 tag whose subtags are all registered."""
    language, separator, region = tag.partition("-")
    if language in TWO_LETTER_LANGUAGES and (not separator or region in TWO_LETTER_REGIONS):
        return True
    import langcodes

    if not langcodes.tag_is_valid(tag):
        return False
    try:
        return langcodes.Language.get(tag).is_valid()
    except (ValueError, LookupError):
        return False


# Scripts written from right to left (ISO 15924), and the languages usually written in one of them (CLDR's likely
# script) when a tag names no script.
RIGHT_TO_LEFT_SCRIPTS = frozenset({"Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc",
                                   "Thaa", "Yezi"})
RIGHT_TO_LEFT_LANGUAGES = frozenset({
    "ar", "bal", "bgn", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw", "ks", "lrc", "mzn",
    "nqo", "pnb", "prs", "ps", "sd", "sdh", "skr", "syr", "ug", "ur", "yi",
})


def primary_language(tag: str) -> str:
    """The language subtag, lower-cased: "en" for "en-US" and "EN-gb"."""
    return tag.split("-")[0].lower()


def written_direction(text: str) -> str | None:
    """The direction text is written in, by its first letter that has one (HTML's dir="auto"): "rtl", "ltr", or
    None for text of digits and punctuation alone."""
    import unicodedata

    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def text_direction(tag: str) -> str:
    """"rtl" for a language tag whose text is written from right to left, else "ltr": by its script subtag when it
    has one ("az-Arab", "ku-Arab" and "pa-Arab" are, "sd-Deva" is not), else by its language."""
    subtags = tag.split("-")
    for subtag in subtags[1:3]:  # the script follows the language, or an extended language subtag
        if len(subtag) == 4 and subtag.isalpha():
            return "rtl" if subtag.title() in RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return "rtl" if subtags[0].lower() in RIGHT_TO_LEFT_LANGUAGES else "ltr"
