"""Trained artifacts of the bundled classifiers, listed with their hashes in manifest.json."""
