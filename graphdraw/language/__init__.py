"""The equation language: tokens, names, the Program, parsing (plain and LaTeX) and printing."""
