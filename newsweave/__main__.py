"""`python -m newsweave` runs the command line."""

from newsweave.cli import main

main()
