"""The lecture notes' worked example: L(w1, w2) = w2·log w1 + √(w2·log w1) at (2, 3).

Builds the graph, prints its SSA listing, and evaluates it with the reference interpreter.
"""
import numpy as np

import graphc as gc

w1, w2 = gc.var("w1"), gc.var("w2")
v1 = gc.log(w1)
v2 = w2 * v1
v3 = gc.sqrt(v2)
L = v2 + v3

print(gc.format(L))
value = gc.evaluate(L, {"w1": 2.0, "w2": 3.0})
closed_form = 3 * np.log(2) + np.sqrt(3 * np.log(2))
print(f"L(2, 3) = {float(value):.12f}   (closed form {closed_form:.12f})")
assert abs(value - closed_form) < 1e-12
