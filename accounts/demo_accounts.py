"""The demo's staff accounts and their published password (README, devtools seed_demo): named
here, below the development tools, so that production can refuse them (accounts/checks.py)."""

DEMO_PASSWORD = "demo-2026"
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
    }
)
