"""Exercise checks for notebook 10 (universal approximation)."""

__all__ = []
