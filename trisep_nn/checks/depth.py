"""Exercise checks for notebook 11 (depth)."""

__all__ = []
