"""Exercise checks for notebook 08 (vanishing gradients)."""

__all__ = []
