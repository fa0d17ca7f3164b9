"""Exercise checks for notebook 06 (autodiff)."""

__all__ = []
