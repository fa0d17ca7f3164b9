"""Explorers for notebook 09 (decision boundaries)."""

__all__ = []
