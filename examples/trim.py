"""Trim of an aircraft in level flight from tabulated aerodynamics, and its sensitivities.

The lift and drag coefficients are lookup tables over the angle of attack (CasADi users
build these with `interpolant`; here `gnp.interp`). Level flight at speed v needs lift =
weight and thrust = drag; `gc.rootfinder` solves for the angle of attack and the thrust
by Newton's method, and differentiates the solution by the implicit function theorem, so
the trim's sensitivity to speed and mass is one compiled call. Checked against central
differences of the compiled solve itself.
"""
import numpy as np

import graphc as gc
import graphc.numpy as gnp

RHO, S, G = 1.225, 16.2, 9.81                              # air density, wing area, gravity
ALPHA = np.radians([-4.0, 0.0, 4.0, 8.0, 12.0, 16.0])     # table knots: angle of attack
CL = np.array([-0.1, 0.3, 0.7, 1.05, 1.3, 1.35])          # lift coefficient at the knots
CD = np.array([0.030, 0.028, 0.040, 0.070, 0.115, 0.180])  # drag coefficient at the knots


def residual(x, v, m):
    """[lift − weight, thrust − drag] (in kN) for x = [angle of attack, thrust in kN]."""
    alpha, thrust = x[0], x[1]
    q = 0.5 * RHO * v ** 2 * S / 1000.0
    lift, drag = q * gnp.interp(alpha, ALPHA, CL), q * gnp.interp(alpha, ALPHA, CD)
    return gnp.stack([lift - m * G / 1000.0, thrust - drag])


def main():
    v, m = gc.var("v", ()), gc.var("m", ())
    trim = gc.rootfinder(residual, gc.const(np.array([0.05, 1.0])), v, m, iterations=30)
    f = gc.compile([v, m], {"trim": trim, "d_dv": gc.jacobian(trim, v), "d_dm": gc.jacobian(trim, m)})
    out = f(50.0, 1100.0)
    alpha, thrust = out["trim"]
    print(f"trim at 50 m/s, 1100 kg: angle of attack {np.degrees(alpha):.3f}°, thrust {thrust:.4f} kN")
    print(f"  d/dv: {out['d_dv'][0]:+.6f} rad/(m/s), {out['d_dv'][1]:+.6f} kN/(m/s)")
    print(f"  d/dm: {out['d_dm'][0]:+.3e} rad/kg, {out['d_dm'][1]:+.3e} kN/kg")
    np.testing.assert_allclose(gc.evaluate(residual(out["trim"], 50.0, 1100.0), {}), 0.0, atol=1e-12)
    h = 1e-4
    fd_v = (f(50.0 + h, 1100.0)["trim"] - f(50.0 - h, 1100.0)["trim"]) / (2 * h)
    fd_m = (f(50.0, 1100.0 + 1e-2)["trim"] - f(50.0, 1100.0 - 1e-2)["trim"]) / 2e-2
    np.testing.assert_allclose(out["d_dv"], fd_v, rtol=1e-6)
    np.testing.assert_allclose(out["d_dm"], fd_m, rtol=1e-6)
    print("sensitivities agree with central differences")


if __name__ == "__main__":
    main()
