"""Exercise checks for notebook 12 (double descent)."""

__all__ = []
