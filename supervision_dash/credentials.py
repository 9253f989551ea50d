"""The credentials file of `serve --basic-auth`: a JSON object of login name → argon2 hash.

    {"alice": "$argon2id$v=19$m=65536,t=3,p=4$...", "maria": "$argon2id$..."}

`supervision-dash passwd FILE USER` writes an entry (argon2-cffi's defaults); no password is
ever kept in plain text. The file is read again for every login, so a changed password or a
removed user applies at once. Messages name the file and the user, never a hash or password.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()
# Checked when the user name is unknown, so an unknown name costs the same time as a known one.
_DUMMY_HASH = HASHER.hash("a password no one has")


class CredentialsError(ValueError):
    """A credentials file that cannot be used."""


def read_credentials(path: str | Path) -> dict[str, str]:
    """The users and their hashes; refuses anything but a JSON object of argon2 hashes (Panel
    would take any other --basic-auth value as one password shared by every user name)."""
    path = Path(path)
    if not path.is_file():
        raise CredentialsError(f"no credentials file at {path} (write one with "
                               "`supervision-dash passwd FILE USER`)")
    try:
        users = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CredentialsError(f"the credentials file {path} is not readable JSON "
                               f"({type(exc).__name__})") from None
    if not isinstance(users, dict) or not users:
        raise CredentialsError(f"the credentials file {path} must be a JSON object of users "
                               "(login name → argon2 hash)")
    for user, value in users.items():
        if not isinstance(value, str) or not value.startswith("$argon2"):
            raise CredentialsError(f"the credentials file {path}: user {user!r} has no argon2 "
                                   "hash (write it with `supervision-dash passwd`)")
    return users


def check_password(path: str | Path, user: str, password: str) -> bool:
    """Whether the password is the user's; False for an unknown user (after the same work)."""
    users = read_credentials(path)
    try:
        return HASHER.verify(users.get(user, _DUMMY_HASH), password) and user in users
    except (VerificationError, InvalidHashError):
        return False


def check_user_name(user: str) -> None:
    if not user or user != user.strip() or any(ord(char) < 32 for char in user):
        raise CredentialsError("a user name must be non-empty, with no surrounding spaces and "
                               "no control characters")


def set_password(path: str | Path, user: str, password: str) -> None:
    """Write the user's argon2 hash into the file (created if absent), replacing the file in one
    move so that a server reading it never sees half of it; readable by its owner only."""
    check_user_name(user)
    if not password:
        raise CredentialsError("an empty password is not allowed")
    path = Path(path)
    users = read_credentials(path) if path.exists() else {}
    users[user] = HASHER.hash(password)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(users, file, indent=2, sort_keys=True)
            file.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
