"""Who may see what: the access file, read into one grant per login. No Panel, no DuckDB.

    [users.alice]              # the login name
    role = "supervisor"         # supervisor | manager | leadership
    supervisors = ["SV001"]     # the peers of these supervisor IDs
    [users.maria]
    role = "manager"
    sites = ["Eastgate", "Hillcrest"]   # every supervisor, peer and participant of these sites
    [users.dana]
    role = "leadership"         # the program-level, disclosure-controlled pages only

A site's scope is the peers whose `site` it is and those peers' participants (a participant's
own site is only a grouping). A bad file — an unknown role or key, a missing or bad value — is
refused with a message naming the user and the key, never a value from the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROLES = ("supervisor", "manager", "leadership")
SCOPE_KEY = {"supervisor": "supervisors", "manager": "sites", "leadership": None}


class AccessError(ValueError):
    """An access file that cannot be used; the message names the file, the user and the key."""


@dataclass(frozen=True)
class Grant:
    """One login's access: a role and, for supervisors and managers, what it covers."""

    user: str
    role: str
    supervisors: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()

    @property
    def warehouse_role(self) -> str:
        """The warehouse role of the supervision pages: leadership sees program level only."""
        return "leadership" if self.role == "leadership" else "supervisor"

    @property
    def program_pages(self) -> bool:
        """Managers and leadership see the program-level pages."""
        return self.role in ("manager", "leadership")

    def allowed_peers(self, peers: Iterable[tuple[str, str, str]]) -> list[str] | None:
        """The peer IDs this grant covers among (peer_id, site, supervisor_id) rows; None for
        leadership, whose pages are program-level for everyone."""
        if self.role == "leadership":
            return None
        if self.role == "supervisor":
            return sorted(peer for peer, _, supervisor in peers if supervisor in self.supervisors)
        return sorted(peer for peer, site, _ in peers if site in self.sites)

    def missing(self, sites: set[str], supervisors: set[str]) -> list[str]:
        """Which entries name no site or supervisor of the extract, as `key entry N of M`."""
        key = SCOPE_KEY[self.role]
        if key is None:
            return []
        entries, known = (self.sites, sites) if key == "sites" else (self.supervisors,
                                                                       supervisors)
        return [f"{key} entry {number} of {len(entries)}"
                for number, entry in enumerate(entries, start=1) if entry not in known]


class Access:
    """The grants of an access file, by login name."""

    def __init__(self, grants: dict[str, Grant], source: str = "access file"):
        self.grants = grants
        self.source = source

    @classmethod
    def from_toml(cls, path: str | Path) -> Access:
        path = Path(path)
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AccessError(f"no access file at {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise AccessError(f"cannot read the access file {path}: {type(exc).__name__}") \
                from None
        except tomllib.TOMLDecodeError as exc:
            # the parser's message gives a line and column, never the text
            raise AccessError(f"{path.name} is not valid TOML ({exc})") from None
        return cls.from_mapping(document, path.name)

    @classmethod
    def from_mapping(cls, document: dict, source: str = "access file") -> Access:
        unknown = sorted(set(document) - {"users"})
        if unknown:
            raise AccessError(f"{source}: unknown key {unknown[0]!r} (only [users.NAME] tables)")
        users = document.get("users", {})
        if not isinstance(users, dict):
            raise AccessError(f"{source}: 'users' must be tables [users.NAME]")
        return cls({name: _grant(name, entry, source) for name, entry in users.items()}, source)

    def __contains__(self, user: str) -> bool:
        return user in self.grants

    def get(self, user: str | None) -> Grant | None:
        return self.grants.get(user) if user else None

    def warnings(self, peers: Iterable[tuple[str, str, str]]) -> list[str]:
        """One line per entry that names a site or supervisor the extract does not have, and
        one per user left with nothing in their scope."""
        peers = list(peers)
        sites = {site for _, site, _ in peers}
        supervisors = {supervisor for _, _, supervisor in peers}
        lines = []
        for user, grant in self.grants.items():
            where = f"{self.source}: user {user!r}"
            lines += [f"{where}: {entry} is not in the current extract"
                      for entry in grant.missing(sites, supervisors)]
            if grant.allowed_peers(peers) == []:
                lines.append(f"{where}: nothing in their scope in the current extract; their "
                             "pages say so")
        return lines


def _grant(user: str, entry, source: str) -> Grant:
    where = f"{source}: user {user!r}"
    if not user.strip():
        raise AccessError(f"{source}: a user with an empty name")
    if not isinstance(entry, dict):
        raise AccessError(f"{where}: must be a table [users.{user}]")
    role = entry.get("role")
    if role is None:
        raise AccessError(f"{where}: key 'role' is missing (one of {', '.join(ROLES)})")
    if role not in ROLES:
        raise AccessError(f"{where}: key 'role' must be one of {', '.join(ROLES)}")
    scope_key = SCOPE_KEY[role]
    allowed = {"role", scope_key} - {None}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise AccessError(f"{where}: unknown key {unknown[0]!r} for the {role} role "
                          f"(keys: {', '.join(sorted(allowed))})")
    if scope_key is None:
        return Grant(user, role)
    values = entry.get(scope_key)
    if values is None:
        raise AccessError(f"{where}: key {scope_key!r} is missing (a list of IDs)")
    if not isinstance(values, list) or not values or not all(
            isinstance(value, str) and value.strip() for value in values):
        raise AccessError(f"{where}: key {scope_key!r} must be a non-empty list of "
                          "non-empty strings")
    return Grant(user, role, **{scope_key: tuple(values)})
