"""The customer records (客户档案): archive records and their files, consented access and its
log, integrity checks, inventories and approved destruction.

Articles cited as "records Art. n" are those of the customer-records management part of the
source (客户档案管理制度); plain "Art. n" is the core part (营业部客户流失应对规范).
"""

from .access import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    AccessState,
    ConsentMethod,
    ConsentRelation,
)
from .copies import CopyState, ReaderCopy
from .destruction import DestructionRecord, DestructionRequest, DestructionState
from .events import ArchiveAction, ArchiveEvent
from .integrity import IntegrityCheck, IntegrityFinding, IntegrityProblem
from .inventory import InventoryCheck, InventoryItem, InventoryState
from .records import (
    CATEGORY_CODES,
    DOCUMENT_LATE_FIELDS,
    PAPER_METHODS,
    RECORD_LATE_FIELDS,
    SCAN_KINDS,
    ArchiveCounter,
    ArchiveDocument,
    ArchiveDocumentQuerySet,
    ArchiveRecord,
    ArchiveRecordQuerySet,
    Category,
    DestructionMethod,
    DocumentKind,
    Medium,
    RecordStatus,
)
from .rules import MIN_RETENTION_YEARS, RetentionRule

__all__ = [
    "CATEGORY_CODES",
    "DOCUMENT_LATE_FIELDS",
    "MIN_RETENTION_YEARS",
    "PAPER_METHODS",
    "RECORD_LATE_FIELDS",
    "SCAN_KINDS",
    "AccessAction",
    "AccessLogEntry",
    "AccessRequest",
    "AccessState",
    "ArchiveAction",
    "ArchiveCounter",
    "ArchiveDocument",
    "ArchiveDocumentQuerySet",
    "ArchiveEvent",
    "ArchiveRecord",
    "ArchiveRecordQuerySet",
    "Category",
    "ConsentMethod",
    "ConsentRelation",
    "CopyState",
    "DestructionMethod",
    "DestructionRecord",
    "DestructionRequest",
    "DestructionState",
    "DocumentKind",
    "IntegrityCheck",
    "IntegrityFinding",
    "IntegrityProblem",
    "InventoryCheck",
    "InventoryItem",
    "InventoryState",
    "Medium",
    "ReaderCopy",
    "RecordStatus",
    "RetentionRule",
]
