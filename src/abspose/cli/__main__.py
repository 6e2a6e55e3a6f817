"""``python -m abspose.cli``: the same command line as ``abspose``."""

from abspose.cli import main

main()
