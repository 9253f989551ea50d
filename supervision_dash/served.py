"""The database a server serves, followed across new extracts without a restart. No Panel.

`supervision-dash load` builds a new database beside the old one and moves it into place in one
step, so the path always names a whole database. A server leases the database for each
session: a lease taken after a load gets the new file; a lease taken before keeps the file it
had (it stays readable after the move) until it is released, and can tell that a newer one is
there. A replaced file is closed when its last lease is released, which gives its memory and
disk space back.

DuckDB keeps one open database per path in a process, so a second `connect` to the same path
would get the replaced file again. A version is therefore opened through a hard link of its own
(beside the database, named after this process and the file's inode), which is removed as soon
as both role warehouses are open: the open file needs no name.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from .settings import Settings
from .warehouse import Warehouse, WarehouseError


ROLES = ("supervisor", "leadership")


def _identity(path: Path) -> tuple[int, int, int, int]:
    stat = os.stat(path)
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)


class Version:
    """One database file as it was when opened, with a warehouse for each role."""

    def __init__(self, path: Path, settings: Settings):
        link = path.with_name(f".{path.name}.{os.getpid()}.{os.stat(path).st_ino}")
        link.unlink(missing_ok=True)
        try:
            os.link(path, link)  # the file now in place, whatever replaces it next
        except OSError:  # a file system without hard links: a new extract needs a restart
            link = path
        try:
            self.identity = _identity(link)
            self.warehouses = {role: Warehouse(link, role=role, settings=settings)
                               for role in ROLES}
            for warehouse in self.warehouses.values():
                warehouse.database = path  # its name in messages, not the link's
        except WarehouseError as error:  # say it of the database, not of the link
            raise WarehouseError(str(error).replace(str(link), str(path)).replace(
                link.name, path.name)) from None
        finally:
            if link != path:
                link.unlink()
        self.leases = 0

    def warehouse(self, role: str) -> Warehouse:
        return self.warehouses[role]

    def close(self) -> None:
        for warehouse in self.warehouses.values():
            warehouse.close()


class Lease:
    """A session's hold on one version of the database."""

    def __init__(self, served: ServedDatabase, version: Version):
        self._served, self.version = served, version
        self.released = False

    def warehouse(self, role: str) -> Warehouse:
        return self.version.warehouse(role)

    def newer_available(self) -> bool:
        """Whether a newer extract was moved into place since this lease's version opened."""
        return self._served.current_identity() != self.version.identity

    def release(self) -> None:
        if not self.released:
            self.released = True
            self._served._release(self.version)


class ServedDatabase:
    """The path of the served database; `lease()` gives each session the newest version."""

    def __init__(self, path: str | Path, settings: Settings,
                 on_open: Callable[[Warehouse], None] | None = None):
        self.path = Path(path)
        self.settings, self.on_open = settings, on_open
        self._lock = threading.Lock()
        self._versions: list[Version] = []
        self._open_current()

    def current_identity(self):
        try:
            return _identity(self.path)
        except FileNotFoundError:  # between a removal and a move: the last version stands
            return self._versions[-1].identity

    def _open_current(self) -> Version:
        """The version on disk now; a new one is opened when the file changed."""
        if self._versions and self._versions[-1].identity == self.current_identity():
            return self._versions[-1]
        version = Version(self.path, self.settings)
        self._versions.append(version)
        self._close_unused()
        if self.on_open:
            self.on_open(version.warehouse("supervisor"))
        return version

    def lease(self) -> Lease:
        with self._lock:
            try:
                version = self._open_current()
            except (OSError, WarehouseError):  # not a whole database: keep the last
                version = self._versions[-1]
            version.leases += 1
            return Lease(self, version)

    def _release(self, version: Version) -> None:
        with self._lock:
            version.leases -= 1
            self._close_unused()

    def _close_unused(self) -> None:
        """Close every replaced version no session holds any more."""
        for version in self._versions[:-1]:
            if version.leases == 0:
                version.close()
                self._versions.remove(version)

    @property
    def open_versions(self) -> int:
        return len(self._versions)
