"""Output formats: each writes a graph as bytes (DOT, SVG/PNG/PDF, JSON, TikZ, HTML)."""
