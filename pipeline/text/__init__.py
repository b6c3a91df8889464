"""The analysis view of a text (normalized, with an offset map) and its tokens and sentences."""
