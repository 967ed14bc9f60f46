"""Labelled passages the bundled classifiers are trained on (dev/ is held out for evaluation)."""
