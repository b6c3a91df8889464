#!/usr/bin/env python3
"""Tag documents by fraud type and extract measures; see `python classify.py --help`."""
from pipeline.app.cli import main

if __name__ == "__main__":
    main()
