"""Party names made comparable: case, script, punctuation, '&', and legal-form words dropped."""

import re
import unicodedata

from service.engine.normalise import to_simplified

# Legal-form words, as separate tokens after punctuation is gone ("s.a." has become "s a").
_LEGAL_FORMS = (
    "incorporated inc corporation corp company co limited ltd llc l l c plc lp llp gmbh mbh ag "
    "kg sa s a spa s p a srl s r l sarl bv b v nv n v kk ab uab as a s oy pte pty "
    "spol s r o sro limited partnership private the"
)
_FORM_SEQUENCES = sorted(
    (tuple(form.split()) for form in _LEGAL_FORMS.split("  ")), key=len, reverse=True
)
_FORM_WORDS = frozenset(_LEGAL_FORMS.split())
# Chinese and Japanese legal forms, longest first: stripped from the end of a name (and anywhere
# for 株式会社, which may lead a Japanese name).
_CJK_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "株式会社", "合资公司", "公司")
_CJK = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_FORM_ENDS = [re.compile(f"{form}(?=$|[^{_CJK}])") for form in _CJK_FORMS]
# Polish "sp. z o.o." and the shorter "sp zo.o" seen in the lists.
_POLISH_FORM = re.compile(r"\bsp\.?\s*z\.?\s*o\.?\s*o\b\.?")
_TOKEN = re.compile(f"[a-z0-9]+|[{_CJK}]+")


# Latin letters that carry no separable accent: written plain, as notices and ERPs often do.
_PLAIN_LATIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def _without_accents(text: str) -> str:
    """Latin letters without their accents (Wrocławska, Nestlé); other scripts untouched."""
    if text.isascii():
        return text
    plain = []
    for char in text.translate(_PLAIN_LATIN):
        if "\u00c0" <= char <= "\u024f":
            char = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
        plain.append(char)
    return "".join(plain)


def normalise_name(name: str) -> str:
    """One spelling for a company name: the words that identify it, in order, space-separated."""
    text = _without_accents(unicodedata.normalize("NFKC", name).casefold())
    chinese = has_cjk(text)
    if chinese:
        text = to_simplified(text)
        text = text.replace("株式会社", " ")
        for form in _CJK_FORM_ENDS:
            text = form.sub(" ", text)
    if "sp" in text:
        text = _POLISH_FORM.sub(" ", text)
    text = text.replace("&", " and ").replace("＆", " and ").replace("+", " and ")
    tokens = _TOKEN.findall(text)
    kept = _drop_forms(tokens) or tokens  # a name made only of legal-form words keeps them
    while len(kept) > 1 and "and" in (kept[0], kept[-1]):
        kept = kept[1:] if kept[0] == "and" else kept[:-1]  # "Mitsui & Co." is "mitsui"
    return _join(kept) if chinese else " ".join(kept)


def _join(tokens: list[str]) -> str:
    """Space-separated words, with no space between two runs of Chinese characters."""
    out = ""
    for token in tokens:
        if out and not (has_cjk(token) and has_cjk(out[-1])):
            out += " "
        out += token
    return out


def _drop_forms(tokens: list[str]) -> list[str]:
    """Remove legal-form words; single letters only when they spell a form ("s a", "b v")."""
    if min(map(len, tokens), default=2) > 1:
        return [token for token in tokens if token not in _FORM_WORDS]
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1 and token.isalpha():
            run = tokens[i : i + 4]
            if _starts_form(run):
                i += _starts_form(run)
                continue
        if token in _FORM_WORDS and len(token) > 1:
            i += 1
            continue
        kept.append(token)
        i += 1
    return kept


def _starts_form(run: list[str]) -> int:
    """How many of these single-letter tokens spell a legal form (0 when none)."""
    letters = []
    for token in run:
        if len(token) != 1:
            break
        letters.append(token)
    for n in range(len(letters), 1, -1):
        if "".join(letters[:n]) in _FORM_WORDS or tuple(letters[:n]) in _FORM_SEQUENCES:
            return n
    return 0


# Words many unrelated firms share; two names alike only in these are not alike.
GENERIC_WORDS = frozenset(
    """
    and of the for technologies technology tech systems system group holdings holding
    international industries industry industrial aerospace aeronautics aviation defense defence
    security solutions services service engineering electronics electric global america american
    usa us japan labs lab laboratories laboratory enterprises manufacturing materials research
    space national institute center centre drones robotics management heavy sciences science
    partners operations logistics communications network networks advanced applied
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


# Place words that mark a national or regional unit ("Lockheed Martin UK", "General Dynamics
# European Land Systems"), with the country they name (None: a region).
PLACES: dict[str, str | None] = {
    **dict.fromkeys(("uk", "britain", "british", "england", "scotland", "wales"), "GB"),
    **dict.fromkeys(("us", "usa", "america", "american"), "US"),
    **dict.fromkeys(("canada", "canadian"), "CA"),
    **dict.fromkeys(("australia", "australian"), "AU"),
    **dict.fromkeys(("japan", "nippon"), "JP"),
    **dict.fromkeys(("germany", "deutschland"), "DE"),
    **dict.fromkeys(("france", "francaise"), "FR"),
    **dict.fromkeys(("italy", "italia"), "IT"),
    **dict.fromkeys(("poland", "polska"), "PL"),
    **dict.fromkeys(("netherlands", "nederland", "holland"), "NL"),
    **dict.fromkeys(("switzerland", "suisse", "schweiz"), "CH"),
    **dict.fromkeys(("spain", "espana"), "ES"),
    **dict.fromkeys(("brazil", "brasil"), "BR"),
    "india": "IN",
    "korea": "KR",
    "singapore": "SG",
    "taiwan": "TW",
    "israel": "IL",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "ireland": "IE",
    "austria": "AT",
    "belgium": "BE",
    "czech": "CZ",
    "mexico": "MX",
    "turkey": "TR",
    "ukraine": "UA",
    "lithuania": "LT",
    "china": "CN",
    "hongkong": "HK",
    "zealand": "NZ",
    **dict.fromkeys(("europe", "european", "asia", "pacific", "americas", "emea", "apac"), None),
}


def distinctive(text: str) -> str:
    """The words of a normalised name that are not generic ('' when all are)."""
    words = text.split()
    if GENERIC_WORDS.isdisjoint(words):
        return " ".join(words)
    return " ".join(w for w in words if w not in GENERIC_WORDS)


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese or Japanese characters."""
    return not text.isascii() and bool(_HAS_CJK.search(text))
