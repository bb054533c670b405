"""Printed papers of the retention app: the work memo (Art. 30) and the monthly analysis
(Art. 7), both in the embedded Chinese font of kernel.pdf. Personal data is masked."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.platypus import Flowable, Paragraph

from accounts.masking import mask_phone
from kernel import pdf
from kernel.calendar import BEIJING

from .models import WorkMemo
from .tables import FigureTable, cell_text, figure_tables, tier_label


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


def memo_pdf(memo: WorkMemo) -> bytes:
    return pdf.paper_render(memo_paper(memo))


def memo_paper(memo: WorkMemo) -> pdf.Paper:
    """The work memo as plain data, to be drawn here or in another process."""
    req, customer = memo.request, memo.customer
    attempts = req.retention_attempts.select_related(
        "playbook", "playbook__reason", "recorded_by"
    ).prefetch_related("steps_done")
    commitments = customer.commitments.select_related("owner").order_by("due_on")

    story: list[pdf.Block] = [
        pdf.text(_("Work memo on a customer's transfer or closure"), "title"),
        pdf.text(
            _("{branch} · request #{pk} · Art. 30").format(branch=memo.branch.name, pk=req.pk),
            "subtitle",
        ),
        pdf.Space(),
        pdf.key_values(
            [
                (_("Customer"), customer.masked_name),
                (_("Fund account"), customer.fund_account),
                (_("Identity document"), customer.masked_id_number),
                (_("Contact phone"), mask_phone(memo.contact_phone)),
                (_("Tier"), tier_label(memo.tier)),
                (_("Account manager"), str(memo.account_manager or "—")),
                (_("Asks for"), "、".join(req.items_display)),
                (_("Receiving broker"), memo.receiving_broker or "—"),
                (_("Outcome"), str(memo.get_outcome_display())),
                (_("Deferred on"), _date(memo.deferred_on)),
                (_("Left on"), _date(memo.left_on)),
                (_("Next follow-up"), _date(memo.follow_up_on)),
            ]
        ),
        pdf.text(_("Main reasons"), "heading"),
        pdf.text(memo.main_reasons or "—"),
        pdf.text(_("What was tried"), "heading"),
    ]
    attempt_rows = [
        [
            f"{timezone.localtime(a.recorded_at, BEIJING):%Y-%m-%d %H:%M}",
            str(a.recorded_by),
            f"{a.playbook.reason} v{a.playbook.version}",
            "；".join(step.text for step in a.steps_done.all()),
            a.customer_answer,
        ]
        for a in attempts
    ]
    story.append(
        pdf.grid(
            [_("When"), _("By"), _("Playbook"), _("Steps done"), _("Customer's answer")],
            attempt_rows or [["", "", "", _("No attempt recorded."), ""]],
            [24, 20, 30, 60, 40],
        )
    )
    story.append(pdf.text(_("What was promised"), "heading"))
    promise_rows = [
        [
            c.what,
            str(c.owner),
            c.due_on.isoformat(),
            str(c.get_status_display()),
            c.evidence or c.cancel_reason,
        ]
        for c in commitments
    ]
    story.append(
        pdf.grid(
            [_("Promise"), _("Owner"), _("Due"), _("Status"), _("Evidence")],
            promise_rows or [[_("No promise recorded."), "", "", "", ""]],
            [60, 22, 22, 22, 48],
        )
    )
    story += [
        pdf.text(_("Follow-up and what was solved"), "heading"),
        pdf.text((memo.follow_up_notes or "—").replace("\n", "<br/>")),
        pdf.Space(6),
        pdf.signatures(
            [_("Account manager"), _("Marketing director"), _("Date (year / month / day)")]
        ),
        pdf.Space(2),
        pdf.text(
            _("Printed {now}. Identity numbers and phones are masked.").format(
                now=f"{timezone.localtime(timezone.now(), BEIJING):%Y-%m-%d %H:%M}"
            ),
            "small",
        ),
    ]
    return pdf.paper(story, title=f"work-memo-{memo.pk}")


def tables_story(tables: list[FigureTable], *, trend: list[dict[str, Any]]) -> list[Flowable]:
    """The tables one after another, the twelve-month chart after the summary."""
    from .charts import trend_drawing

    s = pdf.styles()
    story: list[Flowable] = []
    for table in tables:
        story.append(Paragraph(table.title, s["heading"]))
        columns = len(table.header)
        first = 174 - 24 * (columns - 1) if columns > 1 else 174
        widths: list[float] = [float(max(first, 40))] + [24.0] * (columns - 1)
        if sum(widths) > 174:
            widths = [174 / columns] * columns
        story.append(
            pdf.grid_table(
                table.header,
                [[cell_text(c) for c in row] for row in table.rows]
                or [[_("None")] + [""] * (columns - 1)],
                widths,
            )
        )
        if table.key == "summary":
            story.append(Paragraph(_("The last twelve months"), s["heading"]))
            story.append(trend_drawing(trend))
    return story


def analysis_pdf(figures: dict[str, Any]) -> bytes:
    s = pdf.styles()
    story: list[Flowable] = [
        Paragraph(_("Monthly churn analysis"), s["title"]),
        Paragraph(
            _("{branch} · {month} · for the monthly meeting (Art. 7)").format(
                branch=figures["branch"]["name"], month=figures["month"]
            ),
            s["subtitle"],
        ),
        pdf.spacer(),
    ]
    story += tables_story(figure_tables(figures), trend=figures["trend"])
    story.append(pdf.spacer(2))
    story.append(
        Paragraph(
            _("Printed {now}.").format(
                now=f"{timezone.localtime(timezone.now(), BEIJING):%Y-%m-%d %H:%M}"
            ),
            s["small"],
        )
    )
    return pdf.render(story, title=f"churn-analysis-{figures['month']}")
