#!/usr/bin/env python3
"""Train and evaluate fraudtag models; see `python train.py --help`."""
import sys

from pipeline.app.train_cli import main

if __name__ == "__main__":
    sys.exit(main())
