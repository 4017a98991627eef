"""Segmenter set-up: the pkuseg model that ships with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from spacy.language import Language

PKUSEG_MODEL = "pkuseg_pd1998"


def pkuseg_model_dir() -> Path:
    return Path(str(resources.files("nlp").joinpath("models", PKUSEG_MODEL)))


def initialize_pkuseg(pipeline: Language) -> None:
    model = pkuseg_model_dir()
    if not (model / "weights.npz").exists():
        raise FileNotFoundError(f"no pkuseg model at {model}: train one with `nlp train segmenter`")
    pipeline.tokenizer.initialize(pkuseg_model=str(model), pkuseg_user_dict="default")
