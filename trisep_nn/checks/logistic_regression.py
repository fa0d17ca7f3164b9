"""Exercise checks for notebook 01 (logistic regression)."""

__all__ = []
