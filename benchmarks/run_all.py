"""Run every workload (or those named on the command line) and write benchmarks/RESULTS.md.

    python -m benchmarks.run_all [w1_seed w2_mlp ...]
"""
import datetime
import importlib
import platform
import sys
from pathlib import Path

from . import machine
from .harness import THREADS, agree, measure

WORKLOADS = ["w1_seed", "w2_mlp", "w3_mds", "w4_rosenbrock", "w5_rnn", "w6_jacobian", "w7_compile", "w8_solve",
             "w9_svd", "w10_sparse", "w11_kinematics", "w12_tables"]


def fmt(seconds):
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def run_workload(name):
    module = importlib.import_module(f"benchmarks.{name}")
    if hasattr(module, "rows"):               # a workload that measures whole processes
        return module.rows()[0]
    sections = []
    for case, systems in module.cases().items():
        results = {system: measure(name, case, system) for system in systems}
        reference = results.get(module.REFERENCE, {}).get("result")
        rows = []
        graphc_time = next((r["median"] for s, r in results.items() if s.startswith("graphc") and "median" in r),
                           None)
        for system, r in results.items():
            if "error" in r:
                rows.append(f"| {system} | not run: {r['error']} | | |")
                continue
            ok = reference is None or agree(r["result"], reference, module.RTOL)
            ratio = f"{graphc_time / r['median']:.2f}" if graphc_time and not system.startswith("graphc") else ""
            extra = module.annotate(case, system, r["median"]) if hasattr(module, "annotate") else ""
            rows.append(f"| {system} | {fmt(r['median'])} | {ratio} | {'yes' if ok else 'NO'} {extra} |")
        table = [f"### {module.TITLE}: {case}", "",
                 "| system | median | graphc ÷ this | agrees with reference; notes |", "|---|---|---|---|"] + rows
        sections.append("\n".join(table))
        print("\n".join(table), "\n", flush=True)
    return sections


def main(names):
    """Run the named workloads (all by default); each writes results/<name>.md, and
    RESULTS.md is put together from every workload's latest results."""
    names = names or WORKLOADS
    parts = Path(__file__).with_name("results")
    parts.mkdir(exist_ok=True)
    print(machine.describe(machine.measure()), "\n", flush=True)      # the limits figures are set against
    for name in names:
        stamp = f"_Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}._"
        (parts / f"{name}.md").write_text("\n".join(run_workload(name) + ["", stamp, ""]))
    write_results(parts)


def write_results(parts):
    """RESULTS.md from every workload's latest results file and optimizations.md."""
    out = ["# graphc benchmark results", "",
           f"On {platform.machine()}, Python {platform.python_version()}, {THREADS} threads for every "
           "system; medians; each system in its own process. Ratio: graphc's first listed variant "
           "÷ the system's time (below 1: graphc is faster). Each workload says when it ran; "
           "compare ratios within one workload's run.", ""]
    if machine.limits():
        out += [machine.describe(machine.limits()) + " Workloads state their rates as fractions of these.", ""]
    for name in WORKLOADS:
        if (parts / f"{name}.md").exists():
            out.append((parts / f"{name}.md").read_text())
    out.append(Path(__file__).with_name("optimizations.md").read_text())
    path = Path(__file__).with_name("RESULTS.md")
    path.write_text("\n".join(out))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
