"""The equation language: lexer, parser, LaTeX reader, names, printing and the Program."""
