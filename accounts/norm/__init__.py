"""The firm's norm (Art. 35–37): its rules (catalog), the versions and refinements
(models), what applies at a branch on a day (resolve) and how both change (services)."""
