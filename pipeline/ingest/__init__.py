"""Read files, folders, globs and stdin into Documents: formats, encodings, compilations."""
