"""Migration operations for a model that moves from one app to another with its table kept
(`db_table`): existing databases keep every row, new ones get the table as usual."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState


class AdoptOrCreateModel(migrations.CreateModel):
    """CreateModel for a moved model: where its table already exists (a database migrated
    under the old app) it only takes the model into this app's state; on a new database it
    creates the table, its indexes and constraints."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)


def move_content_types(
    *, from_label: str, to_label: str, models: list[str]
) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    """Re-label the moved models' content types, so their permissions, admin history and
    object permissions follow them instead of being orphaned."""

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=to_label, model=model).exists():
                content_type.objects.filter(app_label=from_label, model=model).update(
                    app_label=to_label
                )

    return forwards
