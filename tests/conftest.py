from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "raw" / "kunshan_hitech_zone.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def jieba_pipeline():
    from nlp.pipeline import build_pipeline

    return build_pipeline("jieba")
