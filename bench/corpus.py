"""The benchmark corpus: article-length texts composed from the shipped seeds and the
example article, so a run needs no network and every run sees the same texts.

Each text is a headline plus paragraphs drawn (with a fixed random seed) from seed
passages and the example article's paragraphs, until it reaches a length drawn from
300–1,500 words: the range of real op-eds and news features.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ARTICLE = REPO / "examples" / "sample-article.txt"
MIN_WORDS, MAX_WORDS = 300, 1500
HEADLINE_WORDS = 9


def seed_texts() -> list[str]:
    """The labelled training passages (``seeds/*.jsonl``, not the dev set)."""
    return [json.loads(line)["text"] for path in sorted(SEEDS.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_labels(dimension: str) -> list[str]:
    """Each seed's primary label for one dimension (stance is already single)."""
    out = []
    for path in sorted(SEEDS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                value = json.loads(line)[dimension]
                out.append(value if isinstance(value, str) else value[0])
    return out


def paragraphs() -> list[str]:
    """Every paragraph of every seed and of the example article (its headline excluded)."""
    texts = seed_texts() + ARTICLE.read_text(encoding="utf-8").split("\n\n", 1)[1:]
    return [p.strip() for text in texts for p in text.split("\n\n") if len(p.split()) >= 8]


def build_corpus(size: int = 2000, seed: int = 0) -> list[str]:
    """``size`` texts of 300–1,500 words, deterministic for a given ``seed``."""
    rng = random.Random(seed)
    pool = paragraphs()
    corpus = []
    for _ in range(size):
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        parts, words = [], 0
        while words < target:
            paragraph = rng.choice(pool)
            length = len(paragraph.split())
            if words + length > MAX_WORDS - HEADLINE_WORDS:
                if words >= MIN_WORDS:
                    break
                continue
            parts.append(paragraph)
            words += length
        headline = " ".join(parts[0].split()[:HEADLINE_WORDS]).rstrip(".,;:")
        corpus.append(headline + "\n\n" + "\n\n".join(parts))
    return corpus


def write_jsonl(texts: list[str], path: Path) -> Path:
    """The corpus as ``policytag batch`` input: one ``{"id", "text"}`` object per line."""
    with open(path, "w", encoding="utf-8") as handle:
        for number, text in enumerate(texts, 1):
            handle.write(json.dumps({"id": f"a{number:05d}", "text": text}) + "\n")
    return path
