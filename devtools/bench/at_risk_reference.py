"""The reference for the at-risk scan: the same flags, with the same figures, worked out by
one plain `INSERT … SELECT` in PostgreSQL, so the scan's time has something to be measured
against on the same machine and data.

It follows `retention/services/warnings.py` rule by rule, for one branch and business day,
over the customers who have not closed their account here: assets fallen by more than the
branch's threshold over its window (Art. 30), no trade for the branch's number of trading
days (Art. 30), an account manager who left within the watch (Art. 28, or one switched off),
an open complaint (Art. 23), a deferral within the watch (Art. 34). Each customer's daily
figures are four indexed look-ups (faster here than one pass over every row grouped by
customer); the trading calendar is a table of days carrying a running count of trading
days, so "trading days between" is a difference of two counts.
What it leaves out, so the comparison flatters the reference if anything: telling each
account manager how many of their customers are newly at risk, and the counts per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from accounts.models import Branch
from devtools.bench.plan_reference import CALENDAR_DAYS
from retention.selectors.risk import retention_settings_for
from retention.services.warnings import percent_text

AT_RISK_REFERENCE_SQL = f"""
INSERT INTO retention_atriskflag (branch_id, customer_id, rule, business_date, details,
    created_at)
WITH customers AS (
    SELECT c.id, c.account_manager_id FROM accounts_customer c
    WHERE c.branch_id = %(branch)s
      AND NOT EXISTS (SELECT 1 FROM transfers_transferrequest r
                      WHERE r.customer_id = c.id AND r.branch_id = %(branch)s
                        AND r.state = 'completed' AND r.wants_closure)
),
{CALENDAR_DAYS}
cal AS (
    SELECT day, trading, count(*) FILTER (WHERE trading) OVER w AS n, count(*) OVER w AS m
    FROM days WINDOW w AS (ORDER BY day)
),
today AS MATERIALIZED (SELECT n, m FROM cal WHERE day = %(day)s),
figures AS (
    -- Each customer's figures by four indexed look-ups: the latest within the window and
    -- before it, the latest trade and the first day, all up to the day.
    SELECT c.id AS customer_id, n.date AS now_on, n.assets AS now, t.date AS then_on,
           t.assets AS before, lt.date AS last_trade, fd.date AS first_day
    FROM customers c
    LEFT JOIN LATERAL (SELECT date, assets FROM retention_dailycustomermetrics
                       WHERE customer_id = c.id AND date > %(since)s AND date <= %(day)s
                       ORDER BY date DESC LIMIT 1) n ON true
    LEFT JOIN LATERAL (SELECT date, assets FROM retention_dailycustomermetrics
                       WHERE customer_id = c.id AND date <= %(since)s
                       ORDER BY date DESC LIMIT 1) t ON true
    LEFT JOIN LATERAL (SELECT date FROM retention_dailycustomermetrics
                       WHERE customer_id = c.id AND date <= %(day)s AND trades_count > 0
                       ORDER BY date DESC LIMIT 1) lt ON true
    JOIN LATERAL (SELECT date FROM retention_dailycustomermetrics
                  WHERE customer_id = c.id AND date <= %(day)s
                  ORDER BY date LIMIT 1) fd ON true
),
drops AS (
    SELECT customer_id, before, then_on AS since_on, now, now_on AS on_day,
           (before - now) * 100 / before AS drop
    FROM figures WHERE before > 0 AND now IS NOT NULL
),
idle AS (
    SELECT f.customer_id, f.last_trade, f.first_day,
           -- Trading days in (start, day]: none if the start is the day itself, unknown if
           -- any day between lies in a year the calendar does not know.
           CASE WHEN s.start = %(day)s THEN 0
                WHEN t.m - b.m = %(day)s - (s.start + 1) THEN t.n - b.n + b.trading::int
           END + (f.last_trade IS NULL)::int AS idle_days
    FROM figures f
    CROSS JOIN LATERAL (SELECT COALESCE(f.last_trade, f.first_day) AS start) s
    LEFT JOIN cal b ON b.day = s.start + 1
    LEFT JOIN today t ON true
),
moved AS (
    SELECT DISTINCT ON (t.customer_id) t.customer_id, d.left_on,
           COALESCE(NULLIF(who.display_name, ''),
                    NULLIF(btrim(who.first_name || ' ' || who.last_name), ''),
                    who.username) AS departed,
           COALESCE(team.name, NULLIF(to_p.display_name, ''),
                    NULLIF(btrim(to_p.first_name || ' ' || to_p.last_name), ''),
                    to_p.username) AS taken_over_by
    FROM retention_retentioncontacttask t
    JOIN customers c ON c.id = t.customer_id
    JOIN retention_staffdeparture d ON d.id = t.departure_id
    JOIN accounts_staff who ON who.id = d.departed_id
    LEFT JOIN retention_serviceteam team ON team.id = d.to_team_id
    LEFT JOIN accounts_staff to_p ON to_p.id = d.to_person_id
    WHERE t.branch_id = %(branch)s AND d.left_on > %(departure_since)s
      AND d.left_on <= %(day)s
    ORDER BY t.customer_id, d.left_on DESC, d.id DESC
),
complaints AS (
    SELECT DISTINCT ON (k.customer_id) k.customer_id, k.received_on, k.summary,
           count(*) OVER (PARTITION BY k.customer_id) AS n
    FROM retention_complaint k JOIN customers c ON c.id = k.customer_id
    WHERE k.branch_id = %(branch)s AND k.received_on <= %(day)s
      AND (k.status = 'open' OR k.resolved_on > %(day)s)
    ORDER BY k.customer_id, k.received_on, k.id
),
deferrals AS (
    SELECT DISTINCT ON (w.customer_id) w.customer_id, w.deferred_on, w.follow_up_on
    FROM retention_workmemo w JOIN customers c ON c.id = w.customer_id
    WHERE w.branch_id = %(branch)s AND w.outcome = 'deferred'
      AND w.deferred_on > %(deferral_since)s AND w.deferred_on <= %(day)s
    ORDER BY w.customer_id, w.created_at, w.id
),
flags AS (
    SELECT customer_id, 'assets_drop' AS rule,
           jsonb_build_object('assets_before', before::text, 'since', since_on::text,
                              'assets_now', now::text, 'on', on_day::text,
                              'drop_percent', round(drop, 1)::text,
                              'threshold_percent', %(threshold_text)s,
                              'window_days', %(window)s) AS details
    FROM drops WHERE drop > %(threshold)s
    UNION ALL
    SELECT customer_id, 'no_trades',
           CASE WHEN last_trade IS NULL
                THEN jsonb_build_object('last_trade_on', NULL, 'since', first_day::text,
                                        'idle_days', idle_days, 'threshold', %(idle)s)
                ELSE jsonb_build_object('last_trade_on', last_trade::text,
                                        'idle_days', idle_days, 'threshold', %(idle)s)
           END
    FROM idle WHERE idle_days >= %(idle)s
    UNION ALL
    SELECT customer_id, 'manager_departed',
           jsonb_build_object('departed', departed, 'left_on', left_on::text,
                              'taken_over_by', taken_over_by)
    FROM moved
    UNION ALL
    SELECT c.id, 'manager_departed', jsonb_build_object('departed', NULL)
    FROM customers c JOIN accounts_staff a ON a.id = c.account_manager_id
    WHERE NOT a.is_active AND NOT EXISTS (SELECT 1 FROM moved WHERE moved.customer_id = c.id)
    UNION ALL
    SELECT customer_id, 'open_complaint',
           jsonb_build_object('count', n, 'oldest_on', received_on::text, 'summary', summary)
    FROM complaints
    UNION ALL
    SELECT customer_id, 'recent_deferral',
           jsonb_build_object('deferred_on', deferred_on::text,
                              'follow_up_on', follow_up_on::text)
    FROM deferrals
)
SELECT %(branch)s, f.customer_id, f.rule, %(day)s, f.details, now()
FROM flags f JOIN customers c ON c.id = f.customer_id
ON CONFLICT DO NOTHING
"""


def at_risk_reference_sql(branch: Branch, business_date: dt.date) -> int:
    """Run the reference for one branch and day with the branch's thresholds on that day;
    returns the flags inserted."""
    settings = retention_settings_for(branch, business_date)
    params: dict[str, Any] = {
        "branch": branch.pk,
        "day": business_date,
        "since": business_date - dt.timedelta(days=settings.assets_window_days),
        "window": settings.assets_window_days,
        "threshold": settings.assets_drop_percent,
        "threshold_text": percent_text(settings.assets_drop_percent),
        "idle": settings.idle_trading_days,
        "departure_since": business_date - dt.timedelta(days=settings.departure_watch_days),
        "deferral_since": business_date - dt.timedelta(days=settings.deferral_watch_days),
    }
    with connection.cursor() as cursor:
        # As for the planner's reference: the calendar's joins make the estimates absurd
        # and JIT compilation would cost more than the work (LOCAL: the bench's transaction).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(AT_RISK_REFERENCE_SQL, params)
        return cursor.rowcount
