"""Score Documents with a saved model, numpy only; save, check and load models."""
