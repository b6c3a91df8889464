"""Measures and counts reported in a text, with normalized values and evidence spans."""
