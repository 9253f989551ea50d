"""The identifier guard: extracts must be de-identified (README, "The identifier guard").

Two checks: a column whose name says it holds a direct identifier (HIPAA Safe Harbor kinds), and
a text value shaped like an email address, phone number, SSN, URL or IP address. What a value is
checked for depends on the kind of its column: a **key** (a pseudonymous ID, or a reference to
one) may well be a long run of digits, so bare digit runs are not held against it; **free text**
(free categories, notes, any column outside the contract) is checked for every shape. The
patterns are RE2 (DuckDB's regex engine, and Python's ``re`` accepts them too), so the value check
runs inside DuckDB over millions of rows. Reports name table, column and line, never the value.
"""

from __future__ import annotations

import re

# The kinds of text column, each checked for its own set of value shapes.
KEY = "key"
FREE_TEXT = "free text"
COLUMN_KINDS = (KEY, FREE_TEXT)

# Name tokens (split on anything not a letter or digit; trailing digits dropped) that mark a
# direct identifier column.
IDENTIFIER_NAME_TOKENS = frozenset({
    "name", "names", "firstname", "lastname", "fullname", "surname", "forename", "givenname",
    "initials", "initial", "dob", "birthdate", "birthday", "ssn", "sin", "mrn", "email",
    "emails", "mail", "phone", "phones", "telephone", "tel", "mobile", "cell", "fax",
    "address", "addr", "street", "zip", "zipcode", "postcode", "postal", "ip", "ipaddress",
    "url", "urls", "website", "account", "acct", "licence", "license", "vin", "plate",
    "serial", "biometric", "fingerprint", "photo", "photograph", "face", "passport",
})
# Words that mark one inside a longer token too ("homephone", "clientemail", "mailingaddress").
IDENTIFIER_NAME_PARTS = ("phone", "email", "address", "initials", "surname")
# Runs of tokens that mark one too ("date_of_birth", "health_plan_id", "device_id" ...).
IDENTIFIER_NAME_PHRASES = (
    ("date", "of", "birth"), ("birth", "date"), ("social", "security"), ("medical", "record"),
    ("health", "plan"), ("insurance", "id"), ("member", "id"), ("medicaid", "id"),
    ("medicare", "id"), ("device", "id"), ("beneficiary",), ("vehicle",), ("certificate",),
)

# Pieces of the value shapes below.
_NOT_DIGIT_BEFORE, _NOT_DIGIT_AFTER = r"(^|[^0-9])", r"($|[^0-9])"
_ALONE_BEFORE, _ALONE_AFTER = r"(^|[^A-Za-z0-9+])", r"($|[^A-Za-z0-9])"  # a bare digit run
_LOCAL_PART = r"[A-Za-z0-9._%+\-]+"
_SPELLED_AT = r"(\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)"
_SPELLED_DOT = r"(\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
_COMMON_TLDS = "com|org|net|edu|gov|mil|int|info|biz|io|us|uk|ca|co"
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"

# (identifier kind, RE2 pattern searched anywhere in the text, checked in key columns too).
# Keys get every shape that cannot be a pseudonymous ID; only free text gets the bare digit runs.
VALUE_SHAPES: tuple[tuple[str, str, bool], ...] = (
    # name@host, with or without a dot in the host (x@localhost)
    ("email address", _LOCAL_PART + r"@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*", True),
    # spelled out: "x at example dot org", "x (at) example (dot) org", "x@example dot org"
    ("email address", rf"(?i:\b{_LOCAL_PART}{_SPELLED_AT}[a-z0-9\-]+"
                      rf"((\.|{_SPELLED_DOT})[a-z0-9\-]+)*{_SPELLED_DOT}[a-z]{{2,}}\b)", True),
    ("email address", rf"(?i:\b{_LOCAL_PART}\s*[(\[{{<]\s*at\s*[)\]}}>]\s*[a-z0-9\-]+)", True),
    ("URL", r"(\b[A-Za-z][A-Za-z0-9+.\-]*://|\b[Ww][Ww][Ww]\.)[^\s]+", True),
    # a domain with a path (evil.example/abc), or a bare domain of a common top-level domain
    ("URL", r"(^|[^A-Za-z0-9.@_\-])[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}/", True),
    ("URL", rf"(^|[^A-Za-z0-9.@_\-])(?i:[a-z0-9\-]+(\.[a-z0-9\-]+)*\.({_COMMON_TLDS})\b)",
     True),
    ("IP address", rf"(^|[^0-9.]){_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}($|[^0-9.])", True),
    ("IP address", r"\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b", True),
    ("SSN", rf"{_NOT_DIGIT_BEFORE}[0-9]{{3}}[ \-][0-9]{{2}}[ \-][0-9]{{4}}{_NOT_DIGIT_AFTER}",
     True),
    ("SSN", rf"{_ALONE_BEFORE}[0-9]{{9}}{_ALONE_AFTER}", False),  # 078051120
    ("phone number", (
        rf"{_NOT_DIGIT_BEFORE}(\+?1[ .\-]?)?(\([0-9]{{3}}\)[ .\-]?|[0-9]{{3}}[ .\-])[0-9]{{3}}"
        rf"[ .\-][0-9]{{4}}{_NOT_DIGIT_AFTER}"
        r"|\+[0-9]{1,3}[ .\-]?[0-9]{2,4}[ .\-][0-9]{3,4}[ .\-]?[0-9]{3,4}"
        rf"|{_ALONE_BEFORE}\+[0-9]{{8,15}}{_ALONE_AFTER}"
    ), True),
    # ten digits in the North American shape, with or without a leading 1 (5558675309)
    ("phone number", rf"{_ALONE_BEFORE}(\+?1)?[2-9][0-9]{{2}}[2-9][0-9]{{6}}{_ALONE_AFTER}", False),
)


def value_patterns(column_kind: str = FREE_TEXT) -> dict[str, str]:
    """Identifier kind -> one RE2 pattern of every shape checked in a column of this kind."""
    if column_kind not in COLUMN_KINDS:
        raise ValueError(f"column kind must be one of {', '.join(COLUMN_KINDS)}")
    shapes: dict[str, list[str]] = {}
    for kind, pattern, in_keys in VALUE_SHAPES:
        if in_keys or column_kind == FREE_TEXT:
            shapes.setdefault(kind, []).append(pattern)
    return {kind: "|".join(f"({pattern})" for pattern in patterns)
            for kind, patterns in shapes.items()}


def any_value_pattern(column_kind: str = FREE_TEXT) -> str:
    """One pattern for the fast scan; rows it catches are then told apart kind by kind."""
    return "|".join(f"({pattern})" for pattern in value_patterns(column_kind).values())


def name_tokens(column_name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", column_name)  # camelCase -> camel Case
    tokens = [token.rstrip("0123456789") for token in re.split(r"[^a-z0-9]+", spaced.lower())]
    return [token for token in tokens if token]


def identifier_column_kind(column_name: str) -> str | None:
    """The identifier a column's name announces, or None for an ordinary name."""
    tokens = name_tokens(column_name)
    for token in tokens:
        if token in IDENTIFIER_NAME_TOKENS:
            return token
    for token in tokens:
        for part in IDENTIFIER_NAME_PARTS:
            if part in token:
                return part
    for phrase in IDENTIFIER_NAME_PHRASES:
        for start in range(len(tokens) - len(phrase) + 1):
            if tuple(tokens[start:start + len(phrase)]) == phrase:
                return " ".join(phrase)
    return None


def value_kind(text: str, column_kind: str = FREE_TEXT) -> str | None:
    """The identifier kind a value looks like in a column of ``column_kind`` (default: free
    text, the strictest), or None. Usable on its own, e.g. on a note typed into the app."""
    for kind, pattern in value_patterns(column_kind).items():
        if re.search(pattern, text):
            return kind
    return None


def with_article(kind: str) -> str:
    """"an email address", "an SSN", "a URL": for messages that name a kind, never a value."""
    word = kind.split()[0]
    vowel_sound = word[0] in "AEFHILMNORSX" if word.isupper() else word[0].lower() in "aeio"
    return f"{'an' if vowel_sound else 'a'} {kind}"
