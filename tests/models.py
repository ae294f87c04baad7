"""The lecture notes' models as graphs, shared by the tests."""
import graphc as gc


def mlp_loss(sizes=(784, 256, 256, 10), batch=64, dtype="float64"):
    """(loss, params, X, Y) of the feed-forward network: tanh layers, mean squared error."""
    X = gc.var("X", (batch, sizes[0]), dtype)
    Y = gc.var("Y", (batch, sizes[-1]), dtype)
    params, h = [], X
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        W, bias = gc.var(f"W{k}", (a, b), dtype), gc.var(f"b{k}", (b,), dtype)
        params += [W, bias]
        h = h @ W + bias
        if k < len(sizes) - 2:
            h = gc.tanh(h)
    return gc.mean((h - Y) ** 2), params, X, Y
