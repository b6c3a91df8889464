"""Typed errors: the library raises these; the CLI and the service translate them."""


class FraudtagError(Exception):
    """Base class of every error fraudtag raises on purpose."""


class InputError(FraudtagError):
    """A file or record cannot be read; the message names it and says what to do."""


class CorpusError(FraudtagError):
    """A labelled corpus does not follow the corpus format."""


class ModelError(FraudtagError):
    """A model is missing, does not match its manifest, or cannot be used."""
