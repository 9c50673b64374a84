"""Differential fuzzing of the transformer: random programs, four gradients that must agree."""
