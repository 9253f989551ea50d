"""The identifier guard (DESIGN.md §2): extracts must be de-identified.

Two checks: a column whose name says it holds a direct identifier (HIPAA Safe Harbor kinds), and
a text value shaped like an email address, phone number, SSN, URL or IP address. The patterns are
RE2 (DuckDB's regex engine), so the value check runs inside DuckDB over millions of rows. Reports
name table, column and line, never the value.
"""

from __future__ import annotations

import re

# Name tokens (split on anything not a letter or digit) that mark a direct identifier column.
IDENTIFIER_NAME_TOKENS = frozenset({
    "name", "names", "firstname", "lastname", "fullname", "surname", "forename", "givenname",
    "dob", "birthdate", "birthday", "ssn", "sin", "mrn", "email", "emails", "mail", "phone",
    "phones", "telephone", "tel", "mobile", "cell", "fax", "address", "street", "zip",
    "zipcode", "postcode", "postal", "ip", "ipaddress", "url", "urls", "website", "account",
    "acct", "licence", "license", "vin", "plate", "serial", "biometric", "fingerprint",
    "photo", "photograph", "face", "passport",
})
# Runs of tokens that mark one too ("date_of_birth", "health_plan_id", "device_id" ...).
IDENTIFIER_NAME_PHRASES = (
    ("date", "of", "birth"), ("birth", "date"), ("social", "security"), ("medical", "record"),
    ("health", "plan"), ("insurance", "id"), ("member", "id"), ("medicaid", "id"),
    ("medicare", "id"), ("device", "id"), ("beneficiary",), ("vehicle",), ("certificate",),
)

# Each kind of identifier-shaped value, as an RE2 pattern searched anywhere in the text.
VALUE_PATTERNS: dict[str, str] = {
    "email address": r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    "URL": r"(\b[A-Za-z][A-Za-z0-9+.\-]*://|\b[Ww][Ww][Ww]\.)[^\s]+",
    "IP address": (
        r"(^|[^0-9.])((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
        r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])($|[^0-9.])"
        r"|\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
    ),
    "SSN": r"(^|[^0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}($|[^0-9])",
    "phone number": (
        r"(^|[^0-9])(\+?1[ .\-]?)?(\([0-9]{3}\)[ .\-]?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}"
        r"($|[^0-9])"
        r"|\+[0-9]{1,3}[ .\-]?[0-9]{2,4}[ .\-][0-9]{3,4}[ .\-]?[0-9]{3,4}"
    ),
}
# One pattern for the fast scan; rows it catches are then told apart kind by kind.
ANY_VALUE_PATTERN = "|".join(f"({pattern})" for pattern in VALUE_PATTERNS.values())


def name_tokens(column_name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", column_name)  # camelCase -> camel Case
    return [token for token in re.split(r"[^a-z0-9]+", spaced.lower()) if token]


def identifier_column_kind(column_name: str) -> str | None:
    """The identifier a column's name announces, or None for an ordinary name."""
    tokens = name_tokens(column_name)
    for token in tokens:
        if token in IDENTIFIER_NAME_TOKENS:
            return token
    for phrase in IDENTIFIER_NAME_PHRASES:
        for start in range(len(tokens) - len(phrase) + 1):
            if tuple(tokens[start:start + len(phrase)]) == phrase:
                return " ".join(phrase)
    return None


def value_kind(text: str) -> str | None:
    """The identifier kind a value looks like (Python's re accepts these RE2 patterns)."""
    for kind, pattern in VALUE_PATTERNS.items():
        if re.search(pattern, text):
            return kind
    return None


def with_article(kind: str) -> str:
    """"an email address", "a URL": for messages that name a kind, never a value."""
    return f"{'an' if kind[0].lower() in 'aeio' else 'a'} {kind}"
