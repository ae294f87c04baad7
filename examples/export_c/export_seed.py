"""Export the seed function's value and gradient as a standalone C library.

    python3 export_seed.py OUTDIR   ->   OUTDIR/seed_grad.c, seed_grad.h, libseed_grad.so
"""
import sys

import graphc as gc

w1, w2 = gc.var("w1"), gc.var("w2")
v = w2 * gc.log(w1)
L = v + gc.sqrt(v)
f = gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])], name="seed_grad")
print(f.export(sys.argv[1] if len(sys.argv) > 1 else "."))
