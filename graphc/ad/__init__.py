"""Automatic differentiation as graph-to-graph transforms: forward mode (`forward`),
reverse mode (`reverse`), batching of either over many seeds (`batching`), and the
public transforms built on them (`transforms`)."""
