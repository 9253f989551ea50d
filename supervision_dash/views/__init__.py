"""The dashboard's views: one Panel Viewer per concern, each usable alone in a notebook.

    from supervision_dash import open_warehouse
    from supervision_dash.state import ReviewState
    from supervision_dash.views import WeeklyReview

    state = ReviewState(open_warehouse("demo.duckdb"), supervisor_id="SV001")
    WeeklyReview(state)   # displays in JupyterLab
"""

from .caseload import CaseloadView
from .engagement import EngagementView
from .fidelity import FidelityView
from .flags import FlagsView
from .outcomes import OutcomesView
from .quality import DataQualityView
from .voice import VoiceView
from .weekly import WeeklyReview

PAGES = (WeeklyReview, CaseloadView, FlagsView, FidelityView, OutcomesView, EngagementView,
         VoiceView, DataQualityView)

__all__ = ["PAGES", "CaseloadView", "DataQualityView", "EngagementView", "FidelityView",
           "FlagsView", "OutcomesView", "VoiceView", "WeeklyReview"]
