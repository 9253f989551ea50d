"""What every page of the dashboard shares: it follows the session's filters, and works only
while it is shown.

A view computes its data (frames from ReviewState, never SQL) and then shows it by updating the
panes it built once, so a filter change swaps values instead of rebuilding the page. In a
served page the queries run in a worker thread (DuckDB releases the GIL), and a loading
spinner covers the view when they take more than a moment; a newer filter change supersedes
an older one still running. In a notebook or a test the same work runs synchronously.

A view's layout carries the CSS class `sd-ready` while it shows the data of the current filters,
and loses it while newer data is on its way: the class arrives in the same document patch as
the data it marks, so a browser (or a browser test) that sees it sees that data.
"""

from __future__ import annotations

import asyncio
import itertools

import panel as pn
import param

from ..state import ProgramState
from .style import Table

WATCHED = ("as_of", "site", "supervisor_id", "peer_id", "measure")
SPINNER_AFTER_S = 0.15
READY = "sd-ready"


class View(pn.viewable.Viewer):
    """A dashboard page. Subclasses build their panes in `_build`, fetch frames in `compute`,
    and put them on screen in `show`."""

    title = "View"
    watched: tuple[str, ...] = WATCHED[:4]

    active = param.Boolean(default=True, doc="Only a shown view refreshes on a filter change.")

    def __init__(self, state: ProgramState, **params):
        super().__init__(**params)
        self.state = state
        self._stale = True
        self._generation = itertools.count()
        self._current = 0
        self._layout = self._build()
        self._layout.css_classes = [*self._layout.css_classes, "sd-view"]
        for part in vars(self).values():  # every table the view keeps tells the state of a download
            if isinstance(part, Table):
                part.on_download = state.downloaded
        watched = [name for name in self.watched if name in state.param]
        if watched:
            state.param.watch(self._filters_changed, watched)
        if self.active:
            self.refresh()

    # subclasses implement these three
    def _build(self) -> pn.viewable.Viewable:
        raise NotImplementedError

    def compute(self) -> dict:
        raise NotImplementedError

    def show(self, data: dict) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Fetch and show the data for the current filters, now."""
        data = self.compute()
        with pn.io.hold():
            self.show(data)
            self._mark_ready(True)
        self._stale = False

    def _mark_ready(self, ready: bool) -> None:
        classes = [name for name in self._layout.css_classes if name != READY]
        self._layout.css_classes = [*classes, READY] if ready else classes

    async def _refresh_in_background(self) -> None:
        generation = self._current = next(self._generation)
        work = asyncio.ensure_future(asyncio.to_thread(self.compute))
        try:
            # A quick answer replaces the view at once; only slower work shows the spinner
            # (a flash of it on every change would cost a round trip and read as flicker).
            done, _ = await asyncio.wait({work}, timeout=SPINNER_AFTER_S)
            if not done:
                self._layout.loading = True
            data = await work
            if generation == self._current:  # a newer change has not overtaken this one
                with pn.io.hold():
                    self.show(data)
                    self._mark_ready(True)
                self._stale = False
        finally:
            if generation == self._current:
                self._layout.loading = False

    def _update(self) -> None:
        """In a served session, refresh in the background on the session's event loop;
        elsewhere (a notebook, a test) refresh now, so the caller sees the new data at once
        whatever event loop happens to be running in its thread."""
        curdoc = pn.state.curdoc
        if curdoc is not None and curdoc.session_context is not None:
            param.parameterized.async_executor(self._refresh_in_background)
        else:
            self.refresh()

    def _filters_changed(self, *events) -> None:
        self._stale = True
        self._mark_ready(False)
        if self.active:
            self._update()

    @param.depends("active", watch=True)
    def _shown(self) -> None:
        if self.active and self._stale:
            self._update()

    def __panel__(self):
        return self._layout
