"""Exercise checks for notebook 03 (bias variance)."""

__all__ = []
