"""The daily figures' loader for the nightly files (core_system/nightly.py), registered in
RetentionConfig.ready(): core_system sits below retention and cannot call it itself."""

from __future__ import annotations

from core_system.nightly import CoreFileInput, CoreFileLoaded, core_file_text

from .services.warnings import metrics_file_load


def metrics_core_file_load(file: CoreFileInput) -> CoreFileLoaded:
    result = metrics_file_load(
        branch=file.branch, business_date=file.business_date, text=core_file_text(file.data)
    )
    return CoreFileLoaded(
        rows=result.rows,
        counts={"created": result.created, "updated": result.updated},
    )
