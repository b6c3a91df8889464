"""Repost clusters: near-duplicate texts (other links, numbers, names, emoji, spacing, a few
words) found by MinHash signatures and grouped in arrival order, with bounded memory."""
