from .figures import branch_month_figures_compute

__all__ = ["branch_month_figures_compute"]
