"""The lecture notes' worked example: L(w1, w2) = w2·log w1 + √(w2·log w1) at (2, 3).

    v1 = log w1,   v2 = w2·v1,   v3 = √v2,   L = v2 + v3

Prints the graph, the forward-mode table (each v_i with ∂v_i/∂w1, then with ∂v_i/∂w2) and
the reverse sweep (each adjoint v̄_i = ∂L/∂v_i), all read from graphc's own derivative
graphs, and checks them against the closed form.
"""
import math

import graphc as gc

w1, w2 = gc.var("w1"), gc.var("w2")
v1 = gc.log(w1)
v2 = w2 * v1
v3 = gc.sqrt(v2)
L = v2 + v3

point = {"w1": 2.0, "w2": 3.0}
names = ["w1", "w2", "v1", "v2", "v3", "L"]
nodes = [w1, w2, v1, v2, v3, L]

print("The graph of L:")
print(gc.format(L))

values = [float(v) for v in gc.evaluate(nodes, point)]

# Forward mode: one pass per input direction, tangents of every intermediate at once.
tangents = {}
for seed_name, seed in [("w1", [1.0, 0.0]), ("w2", [0.0, 1.0])]:
    tangents[seed_name] = [float(t) for t in gc.evaluate(gc.jvp(nodes, [w1, w2], seed), point)]
    print(f"\nForward mode, seed w.r.t. {seed_name}:")
    print(f"  {'node':>4}  {'value':>14}  {'d/d' + seed_name:>14}")
    for name, value, t in zip(names, values, tangents[seed_name]):
        print(f"  {name:>4}  {value:14.10f}  {t:14.10f}")

# Reverse mode: one sweep from L gives the adjoint of every node.
adjoints = [float(a) for a in gc.evaluate(gc.vjp(L, nodes[::-1], 1.0), point)]
print("\nReverse mode, one sweep from L (adjoint = ∂L/∂node):")
print(f"  {'node':>4}  {'adjoint':>14}")
for name, a in zip(names[::-1], adjoints):
    print(f"  {name:>4}  {a:14.10f}")

# The closed form.
a, b = point["w1"], point["w2"]
s = math.sqrt(b * math.log(a))
want_w1 = b / a * (1 + 1 / (2 * s))
want_w2 = math.log(a) * (1 + 1 / (2 * s))
print(f"\n∂L/∂w1 = {tangents['w1'][-1]:.12f} (forward), {adjoints[-1]:.12f} (reverse), "
      f"{want_w1:.12f} (closed form)")
print(f"∂L/∂w2 = {tangents['w2'][-1]:.12f} (forward), {adjoints[-2]:.12f} (reverse), "
      f"{want_w2:.12f} (closed form)")
v1_, v2_ = math.log(a), b * math.log(a)
closed_forward = {   # ∂(w1, w2, v1, v2, v3, L)/∂w1 and /∂w2, by hand
    "w1": [1, 0, 1 / a, b / a, b / a / (2 * s), want_w1],
    "w2": [0, 1, 0, v1_, v1_ / (2 * s), want_w2],
}
closed_adjoints = [1, 1, 1 + 1 / (2 * s), b * (1 + 1 / (2 * s)), want_w2, want_w1]
del v2_
checks = list(zip(tangents["w1"], closed_forward["w1"])) + \
    list(zip(tangents["w2"], closed_forward["w2"])) + list(zip(adjoints, closed_adjoints))
for got, want in checks:
    assert abs(got - want) <= 1e-12 * max(abs(want), 1.0), (got, want)
print("every tangent and adjoint agrees with the closed form.")
