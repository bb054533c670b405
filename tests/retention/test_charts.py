"""The trend chart's axis: four equal ticks of round numbers at any scale, a branch's month
of a few departures or a firm's of tens of thousands."""

import pytest

from retention.charts import geometry


@pytest.mark.parametrize(
    ("most", "ticks"),
    [
        (3, ["0", "1", "2", "3", "4"]),
        (37, ["0", "10", "20", "30", "40"]),
        (25_241, ["0", "10000", "20000", "30000", "40000"]),
        (180_000, ["0", "50000", "100000", "150000", "200000"]),
    ],
)
def test_the_axis_reads_in_round_steps(most, ticks):
    trend = [{"churn": most, "rate": None, "month": "2026-11"}]
    assert [label for _y, label in geometry(trend).y_ticks] == ticks
