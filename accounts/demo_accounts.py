"""The demo's staff accounts and their published password (README, devtools seed_demo): named
here, below the development tools, so that production can refuse them (accounts/checks.py)."""

DEMO_PASSWORD = "demo-2026"
_BRANCH_KEYS = ("clerk", "lead", "manager", "director", "gm")
DEMO_USERNAMES = frozenset(
    {
        "clerk",
        "lead",
        "manager",
        "manager2",
        "manager3",
        "director",
        "gm",
        "archivist",
        "head",
        "auditor",
        "keeper",
        "hq_marketing",
        "hq_compliance",
        # The two smaller demo branches, BJ002 and SH003.
        *(f"{city}_{key}" for city in ("bj", "sh") for key in _BRANCH_KEYS),
    }
)
