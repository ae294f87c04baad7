"""The examples run and check themselves (each asserts its results)."""
import pathlib
import runpy

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("script", ["seed_function.py"])
def test_example_runs(script, capsys):
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert "agrees with the closed form" in capsys.readouterr().out


def test_exported_c_example_builds_and_prints_the_gradient(tmp_path):
    import shutil
    import subprocess
    import sys

    import graphc as gc

    work = tmp_path / "export_c"
    shutil.copytree(EXAMPLES / "export_c", work)
    result = subprocess.run(["make", "-s", "run", f"PYTHON={sys.executable}"], cwd=work,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    printed = [float(line.split("=")[-1]) for line in result.stdout.splitlines() if "=" in line]
    w1, w2 = gc.var("w1"), gc.var("w2")
    v = w2 * gc.log(w1)
    L = v + gc.sqrt(v)
    f = gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])])
    assert printed[-3:] == [float(x) for x in f(2.0, 3.0)]


def test_numpy_program_runs_unchanged_on_graphc(capsys):
    runpy.run_path(str(EXAMPLES / "numpy_program.py"), run_name="__main__")
    assert "NumPy says" in capsys.readouterr().out


def test_the_numpy_program_is_plain_numpy():
    """The loss of examples/numpy_program.py, run by NumPy itself, agrees with graphc's graph."""
    import numpy as np

    import graphc as gc
    source = (EXAMPLES / "numpy_program.py").read_text()
    namespace = {}
    exec(compile(source.replace("import graphc.numpy as np", "import numpy as np"), "numpy_program", "exec"),
         namespace)
    rng = np.random.default_rng(1)
    w, X, y = rng.standard_normal(4), rng.standard_normal((50, 4)), rng.standard_normal(50)
    by_numpy = namespace["loss"](w, X, y)
    graphc_ns = runpy.run_path(str(EXAMPLES / "numpy_program.py"))
    (wv, Xv, yv), L = gc.trace(graphc_ns["loss"], ((4,), "float64"), ((50, 4), "float64"), ((50,), "float64"))
    assert float(gc.evaluate(L, {wv: w, Xv: X, yv: y})) == pytest.approx(by_numpy, rel=1e-12)


def test_checkpointing_example_sweeps_budgets(monkeypatch, capsys):
    """Short chain: every row is checked bit-identical to checkpoint='none' by the script."""
    import sys
    monkeypatch.setattr(sys, "argv", ["checkpointing.py", "60", "8"])
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # no plot in the tests
    runpy.run_path(str(EXAMPLES / "checkpointing.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "bit-identical in every row" in out
    for label in ("none", "sqrt", "revolve", "auto 25%"):
        assert f"\n{label} " in out


def test_collocation_converges_with_the_sparse_jacobian(capsys):
    runpy.run_path(str(EXAMPLES / "collocation.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "collocation equations hold" in out and "1196 nonzeros" in out


def test_trim_example_solves_and_differentiates_the_trim(capsys):
    runpy.run_path(str(EXAMPLES / "trim.py"), run_name="__main__")
    assert "sensitivities agree with central differences" in capsys.readouterr().out
