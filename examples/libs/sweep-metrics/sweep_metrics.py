"""Metrics shared by the example experiments (shipped once, as its own bundle)."""


def mean_squared_error(predictions, targets):
    return sum((p - t) ** 2 for p, t in zip(predictions, targets)) / len(targets)
