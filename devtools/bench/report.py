"""Writes the results JSON under bench-results/ and the measured part of
docs/PERFORMANCE.md: the hand-written text above the BEGIN marker stays as it is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench:results:begin (written by `manage.py bench`; edit above this line) -->"
END = "<!-- bench:results:end -->"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}×" if reference else "—"


# The nightly jobs timed beside a plain-SQL reference doing the same work in the same run.
REFERENCED_JOBS = ("revisits.plan", "retention.at_risk_scan")


def _rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for item in results.get("search", []):
        page, ref, sel = item["page"], item["reference"], item["selector"]
        rows.append(
            [
                item["name"],
                f"{page['median_ms']} / {page['p95_ms']} ms (selector {sel['median_ms']} ms)",
                f"raw SQL {ref['median_ms']} ms; "
                f"selector {_ratio(sel['median_ms'], ref['median_ms'])}",
                f"{item['queries']} queries",
                "p95 < 150 ms",
                _verdict(page["p95_ms"] < 150),
            ]
        )
    for item in results.get("pages", []):
        if "error" in item:
            rows.append([item["name"], "failed", item["error"], "", "", "**missed**"])
            continue
        page = item["page"]
        target, ok = "", None
        if item["name"].startswith("request") or item["name"].startswith("approvals"):
            target, ok = "p95 < 150 ms", page["p95_ms"] < 150
        elif item["name"] == "monthly analysis":
            target, ok = "< 2 s", page["p95_ms"] < 2000
        rows.append(
            [
                item["name"],
                f"{page['median_ms']} / {page['p95_ms']} ms",
                "",
                f"{item['queries']} queries",
                target,
                _verdict(ok),
            ]
        )
    life = results.get("lifecycle")
    if life and "error" in life:
        rows.append([life["name"], "not run", life["error"], "", "", "—"])
    elif life:
        detail = f"{life['completed']} completed, {life['failed']} failed in {life['seconds']} s"
        if "calls_per_second" in life:
            call = life.get("call") or {}
            detail += (
                f"; {life['calls_per_second']} API calls/s, per call "
                f"{call.get('median_ms', '—')} / {call.get('p95_ms', '—')} ms (median / p95)"
            )
        if life.get("server_cpu_ms_per_lifecycle"):
            detail += f"; workers' CPU {life['server_cpu_ms_per_lifecycle']} ms per lifecycle"
        if life.get("errors"):
            detail += "; first error: " + " ".join(life["errors"][0].split())[:150]
        rows.append([life["name"], f"{life['rps']} lifecycles/s", detail, "", "", "—"])
    jobs = {j["name"]: j for j in results.get("jobs", [])}
    for name, job in jobs.items():
        if "error" in job or "seconds" not in job:
            rows.append(
                [f"job {name}", "failed", str(job.get("error", ""))[:200], "", "", "**missed**"]
            )
            continue
        memory_ok = job["peak_rss_mb"] < 500
        target, ok = "peak < 500 MB", memory_ok
        extra = f"peak RSS {job['peak_rss_mb']} MB (process start {job['baseline_rss_mb']} MB)"
        reference = jobs.get(f"{name}.sql", {}).get("seconds")
        if name in REFERENCED_JOBS:
            # Each beside its plain-SQL reference of the same run (the job's name + ".sql").
            ratio_ok = bool(reference) and job["seconds"] <= 2 * max(reference, 0.001)
            target = "≤ 2× SQL, < 500 MB"
            ok = memory_ok and ratio_ok
            if name == "revisits.plan":
                target = "< 60 s, " + target
                ok = ok and job["seconds"] < 60
            extra += f"; {_ratio(job['seconds'], reference or 0)} the SQL reference"
        if job.get("outcome") and job["outcome"] != "succeeded":
            ok = False
            extra += f"; outcome {job['outcome']}: {job.get('message', '')}"
        counts = ", ".join(f"{k}={v}" for k, v in sorted((job.get("counts") or {}).items()))
        rows.append(
            [f"job {name}", f"{job['seconds']} s", f"{extra}; {counts}", "", target, _verdict(ok)]
        )
    for item in results.get("pdf", []):
        per = item["per_page"]
        rows.append(
            [
                item["name"],
                f"{per['median_ms']} / {per['p95_ms']} ms per page",
                f"{item['pages']} page(s)",
                "",
                "warm page < 50 ms",
                _verdict(per["p95_ms"] < 50),
            ]
        )
    return rows


def table(results: dict[str, Any], generation: dict[str, Any] | None) -> str:
    lines = []
    m = results.get("machine", {})
    lines.append(
        f"Measured {m.get('date', '')}: {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB, "
        f"PostgreSQL {m.get('postgresql')} (shared_buffers {m.get('shared_buffers')}), "
        f"Python {m.get('python')}; benchmarks took {results.get('seconds')} s; "
        f"load average {m.get('load_average', '?')} at the start, "
        f"{m.get('load_average_end', '?')} at the end (2 cores: above 2 means the timings "
        "were shared with other work)."
    )
    lines.append("")
    if generation:
        vol = generation["volumes"]
        lines.append(
            f"Volumes (scale {vol['scale']}): {vol['customers']:,} customers over "
            f"{vol['branches']} branches ({vol['big_branch_customers']:,} at the big branch), "
            f"{vol['transfer_requests']:,} transfer requests, {vol['revisit_tasks']:,} revisit "
            f"tasks, {vol['metric_rows']:,} daily metric rows ({vol['metric_days']} trading days), "
            f"{vol['archive_records']:,} archive records, "
            f"{vol['filing_endings']:,} endings to file."
        )
        timings = generation["timings"]
        parts = ", ".join(f"{k} {v} s" for k, v in timings.items() if k != "total")
        lines.append("")
        lines.append(f"Generation: {timings.get('total')} s in all ({parts}).")
        lines.append("")
    lines.append("| benchmark | median / p95 | detail | SQL queries | target | status |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for row in _rows(results):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    return "\n".join(lines)


def write(
    *,
    results: dict[str, Any],
    generation: dict[str, Any] | None,
    out_dir: Path,
    report_path: Path,
) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"results-{stamp}.json"
    path.write_text(json.dumps({"generation": generation, "results": results}, indent=2))
    block = f"{BEGIN}\n{table(results, generation)}\n{END}"
    text = report_path.read_text() if report_path.exists() else "# Performance\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text)
    (out_dir / "latest.md").write_text(table(results, generation) + "\n")
    return path
