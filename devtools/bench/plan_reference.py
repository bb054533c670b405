"""The reference for the revisit planner: the same tasks, worked out by one plain
`INSERT … SELECT` in PostgreSQL, so the planner's time has something to be measured against
on the same machine and data.

It follows `revisits/services/planning.py` rule by rule — Art. 31 first-week and monthly
contacts and the Art. 32 yearly visit for priority customers who left, the Art. 34 trial-end
and monthly contacts of deferrals, the contact before each open promise — with the trading
calendar as a table: every known day with the trading day on or before it and the running
count of trading days, so "N trading days before/after" is an equality join on that count.
What it leaves out, so the comparison flatters the reference if anything: the planner's
cancellations (decided deferrals, closed promises), moving a re-deferred trial-end contact,
and the nudge of a due date a finished task already holds (here such a row is skipped by
ON CONFLICT)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from accounts.norm.catalog import DEFAULTS
from kernel.calendar import BEIJING
from revisits.models import Reason
from revisits.services.planning import FIRST_REVISIT_LOOKBACK

# Every day of the calendar's known years, and whether the exchanges open on it: the table
# both references (this one and at_risk_reference.py) count trading days on.
CALENDAR_DAYS = """days AS (
    SELECT d::date AS day, extract(isodow FROM d) < 6 AND h.date IS NULL AS trading
    FROM branch_ops_calendaryear y
    CROSS JOIN LATERAL generate_series(make_date(y.year, 1, 1), make_date(y.year, 12, 31),
                                       interval '1 day') AS d
    LEFT JOIN branch_ops_exchangeholiday h ON h.date = d::date
),"""

PLAN_REFERENCE_SQL = f"""
INSERT INTO revisits_revisittask (branch_id, customer_id, reason, source_ref, owner_id,
    due_on, channel, status, topics, outcome, note, created_at)
WITH {CALENDAR_DAYS}
cal AS (
    SELECT day, trading,
           max(CASE WHEN trading THEN day END) OVER w AS on_or_before,
           count(*) FILTER (WHERE trading) OVER w AS n
    FROM days WINDOW w AS (ORDER BY day)
),
td AS (SELECT day, n FROM cal WHERE trading),
last_contact AS (
    SELECT customer_id, max(done_on) AS last,
           max(done_on) FILTER (WHERE channel = 'visit') AS last_visit
    FROM revisits_revisittask WHERE status = 'done' GROUP BY customer_id
),
completed AS (
    SELECT r.branch_id, r.customer_id, c.account_manager_id, r.completed_at,
           c.kind = 'institution' AS institution,
           (c.kind = 'institution'
            OR CASE WHEN c.tier_override <> '' THEN c.tier_override IN ('important', 'core')
                    ELSE c.assets >= %(important_assets)s OR c.annual_volume >= %(important_volume)s
               END
            OR EXISTS (SELECT 1 FROM transfers_approval a WHERE a.request_id = r.id
                       AND a.step IN ('marketing_director', 'general_manager'))) AS priority
    FROM transfers_transferrequest r
    JOIN accounts_customer c ON c.id = r.customer_id
    JOIN accounts_branch b ON b.id = r.branch_id
    WHERE r.state = 'completed' AND r.completed_at < %(end)s
),
departed AS (
    SELECT branch_id, customer_id, account_manager_id, institution,
           (max(completed_at) AT TIME ZONE 'Asia/Shanghai')::date AS left_on
    FROM completed
    GROUP BY branch_id, customer_id, account_manager_id, institution
    HAVING bool_or(priority)
),
first AS (
    SELECT d.*, LEAST(t.day, w.on_or_before) AS first_due
    FROM departed d
    JOIN cal c ON c.day = d.left_on
    JOIN td st ON st.n = c.n + CASE WHEN c.trading THEN 0 ELSE 1 END
    JOIN td t ON t.n = st.n + %(left_first)s
    JOIN cal w ON w.day = date_trunc('week', st.day)::date + 6
),
deferred AS (
    SELECT r.id, r.branch_id, r.customer_id, c.account_manager_id, r.follow_up_on,
           COALESCE((SELECT (max(e.at) AT TIME ZONE 'Asia/Shanghai')::date
                     FROM transfers_transferauditentry e
                     WHERE e.request_id = r.id AND e.to_state = 'deferred'), %(today)s) AS since
    FROM transfers_transferrequest r JOIN accounts_customer c ON c.id = r.customer_id
    WHERE r.state = 'deferred'
),
planned AS (
    SELECT branch_id, customer_id, 'left_first' AS reason, '' AS source_ref,
           account_manager_id AS owner_id, first_due AS due_on, 'phone' AS channel
    FROM first WHERE left_on >= %(since)s
    UNION ALL
    SELECT f.branch_id, f.customer_id, 'left_monthly', '', f.account_manager_id,
           c.on_or_before, 'phone'
    FROM first f LEFT JOIN last_contact l ON l.customer_id = f.customer_id
    JOIN cal c ON c.day = GREATEST(f.first_due, COALESCE(l.last, f.first_due)) + %(left_monthly)s
    UNION ALL
    SELECT f.branch_id, f.customer_id, 'institution_visit', '', f.account_manager_id,
           c.on_or_before, 'visit'
    FROM first f LEFT JOIN last_contact l ON l.customer_id = f.customer_id
    JOIN cal c ON c.day = GREATEST(f.left_on, COALESCE(l.last_visit, f.left_on)) + %(yearly)s
    WHERE f.institution
    UNION ALL
    SELECT d.branch_id, d.customer_id, 'deferred_trial_end', 'request:' || d.id,
           d.account_manager_id, t.day, 'phone'
    FROM deferred d JOIN cal c ON c.day = d.follow_up_on JOIN td t ON t.n = c.n - %(trial_end)s
    UNION ALL
    SELECT d.branch_id, d.customer_id, 'deferred_monthly', 'request:' || d.id,
           d.account_manager_id, c.on_or_before, 'phone'
    FROM deferred d LEFT JOIN last_contact l ON l.customer_id = d.customer_id
    JOIN cal c ON c.day = GREATEST(d.since, COALESCE(l.last, d.since)) + %(deferred_monthly)s
    UNION ALL
    SELECT m.branch_id, m.customer_id, 'commitment', 'commitment:' || m.id, m.owner_id,
           GREATEST(t.day, %(today)s), 'phone'
    FROM retention_commitment m
    JOIN cal c ON c.day = m.due_on JOIN td t ON t.n = c.n - %(commitment)s
    WHERE m.status = 'open' AND m.due_on >= %(today)s
      AND NOT EXISTS (SELECT 1 FROM revisits_revisittask x WHERE x.customer_id = m.customer_id
                      AND x.reason = 'commitment' AND x.source_ref = 'commitment:' || m.id)
)
SELECT branch_id, customer_id, reason, source_ref, owner_id, due_on, channel, 'open',
       '[]'::jsonb, '', '', now()
FROM planned WHERE due_on IS NOT NULL
ON CONFLICT DO NOTHING
"""


def plan_reference_sql(today: dt.date) -> int:
    """Run the reference for every branch on `today` (the source's default rules, which the
    benchmark's branches keep); returns the rows inserted."""
    values = {
        str(reason): int(DEFAULTS[f"revisit.{reason}"])
        for reason in Reason
        if f"revisit.{reason}" in DEFAULTS
    }
    params: dict[str, Any] = {
        "important_assets": Decimal(DEFAULTS["tier.important_assets"]),
        "important_volume": Decimal(DEFAULTS["tier.important_volume"]),
        "today": today,
        "since": today - FIRST_REVISIT_LOOKBACK,
        "end": dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=BEIJING),
        "left_first": values[Reason.LEFT_FIRST],
        "left_monthly": values[Reason.LEFT_MONTHLY],
        "yearly": values[Reason.INSTITUTION_VISIT],
        "trial_end": values[Reason.DEFERRED_TRIAL_END],
        "deferred_monthly": values[Reason.DEFERRED_MONTHLY],
        "commitment": values[Reason.COMMITMENT],
    }
    with connection.cursor() as cursor:
        # The calendar joins leave PostgreSQL's row estimates astronomically high, so by
        # default it JIT-compiles the statement: 4 s of the 5 at full volume. The fastest
        # plain SQL does without (the bench runs inside a transaction, so LOCAL holds).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(PLAN_REFERENCE_SQL, params)
        return cursor.rowcount
