#!/usr/bin/env python
"""Django's command-line utility; the `caseaudit` console script does the same."""

from caseaudit.cli import main

if __name__ == "__main__":
    main()
