"""Write results: JSONL, CSV, Parquet, the batch summary and the HTML report."""
