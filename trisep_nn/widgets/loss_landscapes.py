"""Explorers for notebook 13 (loss landscapes)."""

__all__ = []
