"""Explorers for notebook 10 (universal approximation)."""

__all__ = []
