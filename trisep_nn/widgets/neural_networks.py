"""Explorers for notebook 05 (neural networks)."""

__all__ = []
