"""Explorers for notebook 02 (model selection)."""

__all__ = []
