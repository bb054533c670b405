"""The direction through the code holds for migrations too: a migration depends only on
apps in its own package or in a layer below it (.importlinter, README "Architecture").
Imports are checked by lint-imports; this checks what it cannot see, the dependency graph
between the apps' migrations. Both run in `make lint`."""

import configparser
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

CONTRACT = Path(__file__).resolve().parent.parent / ".importlinter"


def _layers() -> list[list[str]]:
    """The layers contract, top first; each layer a list of independent siblings."""
    config = configparser.ConfigParser()
    config.read(CONTRACT)
    lines = config["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [[name.strip() for name in line.split("|")] for line in lines]


def _position(package: str) -> tuple[int, str] | None:
    for depth, siblings in enumerate(_layers()):
        if package in siblings:
            return depth, package
    return None  # Django's own apps and third-party ones: below everything of ours


def _package_of(app_label: str) -> str:
    return apps.get_app_config(app_label).name.split(".")[0]


def test_the_contract_names_every_app_of_ours():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if ".venv" not in Path(config.path).parts
        and Path(config.path).is_relative_to(CONTRACT.parent)
    }
    named = {name for siblings in _layers() for name in siblings}
    assert ours <= named


def test_no_migration_depends_on_an_app_above_its_own_or_beside_it():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wrong = []
    for (label, name), migration in loader.disk_migrations.items():
        own = _position(_package_of(label))
        if own is None:
            continue
        for dep_label, dep_name in migration.dependencies:
            if dep_label == "__setting__" or dep_label == label:
                continue
            if dep_label not in {c.label for c in apps.get_app_configs()}:
                continue
            other = _position(_package_of(dep_label))
            if other is None:
                continue
            # A smaller depth is a layer above; the same depth another package is a sibling.
            if other[0] < own[0] or (other[0] == own[0] and other[1] != own[1]):
                wrong.append(f"{label}.{name} -> {dep_label}.{dep_name}")
    assert not wrong, "migrations that depend upwards or sideways:\n" + "\n".join(wrong)
