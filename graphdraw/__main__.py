"""`python -m graphdraw` runs the command line."""

from graphdraw.cli import main

main()
