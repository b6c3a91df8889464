#!/usr/bin/env python3
"""Tag documents by fraud type and extract measures; see `python classify.py --help`."""
import sys

from pipeline.app.cli import classify_main

if __name__ == "__main__":
    sys.exit(classify_main())
