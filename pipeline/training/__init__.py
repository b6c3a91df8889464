"""Train and evaluate models: corpora, features, scikit-learn estimators, real-text sets."""
