"""Scheduling on the program: memory planning (`memory`); checkpointing comes next."""
