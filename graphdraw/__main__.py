"""`python -m graphdraw` runs the command line."""

from .cli import main

main()
