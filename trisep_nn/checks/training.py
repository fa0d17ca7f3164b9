"""Exercise checks for notebook 07 (training)."""

__all__ = []
