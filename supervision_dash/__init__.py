"""supervision_dash: supervision dashboards for psychiatric peer support programs.

The Python API analysts use: `validate` an extract folder, `load` it into DuckDB, and
`open_warehouse` to query it.
"""

__version__ = "0.1.0"

from .loader import load  # noqa: E402
from .validation import ExtractError, validate  # noqa: E402
from .warehouse import Warehouse, WarehouseError, open_warehouse  # noqa: E402

__all__ = ["ExtractError", "Warehouse", "WarehouseError", "__version__", "load", "open_warehouse",
           "validate"]
