from .alerts import branch_alerts_raise
from .figures import branch_month_figures_compute

__all__ = ["branch_alerts_raise", "branch_month_figures_compute"]
