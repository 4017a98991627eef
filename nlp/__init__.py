"""Chinese news annotation: segmentation, named entities and quote attribution on spaCy."""

__version__ = "0.1.0"
