"""Explorers for notebook 04 (regularization)."""

__all__ = []
