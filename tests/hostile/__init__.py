"""Hostile-input suite: files an office really has, made in code."""
