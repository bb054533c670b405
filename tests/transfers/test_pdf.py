import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from kernel.errors import ApplicationError
from tests.builders import to_approved, to_awaiting_approval, to_completed
from transfers import services
from transfers.models import TransferState
from transfers.pdf import business_form_pdf, receipt_pdf


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_business_form_renders_with_embedded_chinese_font(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))

    data = business_form_pdf(req, printed_by=people.clerk)

    assert data.startswith(b"%PDF")
    assert b"WenQuanYiMicroHei" in data


def test_business_form_printed_at_the_counter_names_the_customer_in_full(people):
    # Art. 4: the customer signs under their name and the clerk checks it against the card.
    customer = people.customer("ordinary", name="张三丰")
    req = to_awaiting_approval(people, customer)

    for counter in (people.clerk, people.lead):
        text = text_of(business_form_pdf(req, printed_by=counter))

        assert "张三丰" in text
        assert customer.masked_id_number in text
        assert customer.masked_phone in text
        assert customer.fund_account in text
        assert customer.id_number not in text
        assert customer.phone not in text


def test_business_form_printed_by_an_approver_masks_the_name(people):
    customer = people.customer("ordinary", name="张三丰")
    req = to_awaiting_approval(people, customer)

    text = text_of(business_form_pdf(req, printed_by=people.gm))

    assert "张**" in text
    assert "张三丰" not in text


def test_business_form_masks_the_agent_too(people):
    customer = people.customer("ordinary")
    req = to_awaiting_approval(
        people,
        customer,
        wants_sh_revocation=True,
        by_agent=True,
        agent_name="李四",
        agent_id_number="31010119800101123X",
    )

    text = text_of(business_form_pdf(req, printed_by=people.clerk))

    assert "310101********123X" in text
    assert "31010119800101123X" not in text
    assert "李四" not in text


def test_business_form_lists_what_is_asked_and_each_approval(people):
    customer = people.customer("important")
    req = to_approved(
        people,
        customer,
        wants_sz_transfer=True,
        sz_receiving_broker="某某证券",
        sz_receiving_seat="654321",
        wants_sh_revocation=True,
    )

    names = {people.lead: "柜面甲", people.am: "经理乙", people.md: "总监丙", people.gm: "总经理丁"}
    for staff, name in names.items():
        staff.display_name = name
        staff.save(update_fields=["display_name"])

    text = text_of(business_form_pdf(req, printed_by=people.gm))

    assert "某某证券" in text and "654321" in text
    assert "柜面甲" in text and "经理乙" in text and "总监丙" in text
    assert "总经理丁" in text  # printed by
    assert "2026-11-25 10:00" in text  # approval and print times, Beijing


def test_business_form_shows_a_phone_approval_awaiting_its_sign_off(people):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_record_phone_approval(request=req, actor=people.clerk, approver=people.am)

    text = text_of(business_form_pdf(req, printed_by=people.clerk))

    # Art. 17: due by the next trading day.
    assert "待补签，期限 2026-11-26" in text


def test_receipt_carries_number_fee_and_masked_customer(people):
    customer = people.customer("ordinary", name="王小明")
    req = to_completed(people, customer)

    data = receipt_pdf(req, printed_by=people.clerk)
    text = text_of(data)

    assert data.startswith(b"%PDF")
    assert b"WenQuanYiMicroHei" in data
    assert req.receipt_number in text
    assert "30.00" in text
    assert "王**" in text
    assert "王小明" not in text
    assert customer.id_number not in text
    assert customer.phone not in text


def test_receipt_for_a_closure_alone_charges_nothing(people):
    customer = people.customer("ordinary", sz_account="", sh_designated_here=False)
    req = to_completed(people, customer, wants_closure=True)

    text = text_of(receipt_pdf(req, printed_by=people.clerk))

    assert req.fee_amount == 0
    assert "0.00" in text
    assert "30.00" not in text


def test_receipt_of_a_request_not_completed_is_refused(people):
    req = to_approved(people, people.customer("ordinary"))
    assert req.state == TransferState.APPROVED

    with pytest.raises(ApplicationError):
        receipt_pdf(req, printed_by=people.clerk)
