"""The examples run and check themselves (each asserts its results)."""
import pathlib
import runpy

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("script", ["seed_function.py"])
def test_example_runs(script, capsys):
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert "agrees with the closed form" in capsys.readouterr().out
