"""Core of the results-recognition workstation: models, services and pixels, without Qt."""

__version__ = "0.1.0"
