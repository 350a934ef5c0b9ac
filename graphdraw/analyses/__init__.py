"""Analyses on a model: check against torch, train, Taylor series, the saddle demo."""
