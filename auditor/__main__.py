"""``python -m auditor``: the same command line as the ``auditor`` script, for when the script is not on PATH."""

from auditor.cli import main

if __name__ == "__main__":
    main()
