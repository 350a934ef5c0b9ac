"""The long fuzzing run (`make fuzz`): every command's properties for a given time, keeping
the inputs that found something (and hypothesis's examples) in a corpus directory.

    python tests/fuzz/run.py --minutes 30 --corpus .fuzz-corpus
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))      # tests/, for `fuzz`

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.database import DirectoryBasedExampleDatabase  # noqa: E402

from fuzz import commands, harness  # noqa: E402


def _warm_up() -> None:
    """Import the slow packages once, outside the per-input time limit (an import cut short
    by the limit would leave a half-initialised module behind)."""
    for name in ("numpy", "torch", "sympy", "matplotlib.pyplot", "networkx"):
        try:
            __import__(name)
        except ImportError:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--corpus", default=".fuzz-corpus")
    parser.add_argument("--batch", type=int, default=25, help="inputs per command per round")
    parser.add_argument("--commands", default=",".join(commands.COMMANDS))
    opts = parser.parse_args()
    corpus = Path(opts.corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    names = [n for n in opts.commands.split(",") if n]
    conf = settings(max_examples=opts.batch, deadline=None, derandomize=False,
                    database=DirectoryBasedExampleDatabase(str(corpus / "hypothesis")),
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    _warm_up()
    stop = time.monotonic() + opts.minutes * 60
    findings: list[str] = []
    while time.monotonic() < stop:
        for name in names:
            if time.monotonic() >= stop:
                break

            @conf
            @given(commands.COMMANDS[name]())
            def prop(case):
                harness.run(case.args, case.files, output=case.output,
                            json_out=case.json_out, model_text=case.model_text)
            try:
                prop()
            except Exception as exc:  # noqa: BLE001 - a finding: record it and go on
                text = f"[{name}] {exc}".strip()
                if not isinstance(exc, harness.Finding):
                    text += "\n" + traceback.format_exc(limit=3)
                findings.append(text)
                print(text[:3000], flush=True)
                with open(corpus / "findings.txt", "a", encoding="utf-8") as out:
                    out.write(text + "\n" + "-" * 72 + "\n")
        print(f"tried so far: {dict(harness.TRIED)}; findings: {len(findings)}", flush=True)
    stats = {"minutes": opts.minutes, "tried": dict(harness.TRIED),
             "exit_codes": dict(sorted(harness.CODES.items())), "findings": len(findings)}
    (corpus / "stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(stats))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
