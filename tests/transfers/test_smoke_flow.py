from tests.builders import to_completed
from transfers.models import TransferState


def test_ordinary_customer_sz_transfer_runs_from_reception_to_receipt(people):
    customer = people.customer("ordinary")
    req = to_completed(people, customer)
    assert req.state == TransferState.COMPLETED
    assert req.receipt_number == "SH01-2026-000001"
    assert str(req.fee_amount) == "30.00"
    actions = list(req.audit_entries.values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "complete"
