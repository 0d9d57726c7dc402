"""Recognise: raw grids become tables with a kind, a unit, column roles and stitched continuations."""
