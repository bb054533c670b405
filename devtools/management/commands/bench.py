"""`manage.py bench generate|run|all|job` — the scale benchmarks (docs/PERFORMANCE.md).

manage.py bench all --scale 1.0          # load the data set, run everything, write the report
manage.py bench job revisits.plan        # one nightly job, timed, in this process (the
                                         # runner starts one such process per job to
                                         # measure its peak memory)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def _scale_default() -> float:
    return float(os.environ.get("BENCH_SCALE", "1.0"))


class Command(BaseCommand):
    help = "Scale benchmarks: generate the data set with COPY, time pages and jobs, report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate", "run", "all", "job"])
        parser.add_argument("job_name", nargs="?", default="")
        parser.add_argument(
            "--scale",
            type=float,
            default=_scale_default(),
            help="share of the issue's full volume (1.0 = 1,000,000 customers); env BENCH_SCALE",
        )
        parser.add_argument("--out", default="bench-results", help="folder for results JSON")
        parser.add_argument(
            "--report", default="docs/PERFORMANCE.md", help="where to write the results table"
        )
        parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 30)))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "job":
            from devtools.bench import runners

            print(json.dumps(runners.job_in_process(options["job_name"])), flush=True)
            return
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        generation: dict[str, Any] | None = None
        if action in ("generate", "all"):
            from devtools.bench.generator import generate

            gen = generate(scale=options["scale"], say=self.stdout.write)
            generation = {
                "volumes": gen.volumes.as_dict(),
                "timings": gen.timings,
                "rows": gen.rows,
            }
            (out / "generation.json").write_text(json.dumps(generation, indent=2))
        if action in ("run", "all"):
            from devtools.bench import report, runners

            if generation is None and (out / "generation.json").exists():
                generation = json.loads((out / "generation.json").read_text())
            results = runners.run_all(repeat=options["repeat"], say=self.stdout.write)
            path = report.write(
                results=results,
                generation=generation,
                out_dir=out,
                report_path=Path(options["report"]),
            )
            self.stdout.write(f"results: {path}; report: {options['report']}")
