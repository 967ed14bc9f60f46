"""Finding the sentences in which the author prescribes a course of action.

A sentence qualifies when it carries a prescriptive cue ("must", "should", "need to",
"it is time to", "we urge", "One way is ..."). Cues are weighted by strength; reported
speech and questions count for less, since they are someone else's view or no view.
The actor is the subject before the modal when the sentence names one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from .schema import Recommendation

MAX_RECOMMENDATIONS = 5
CUES = (  # (pattern, strength, words: every match contains one of them, lower-cased)
    # "should have" looks back (criticism of the past), not forward: not a prescription.
    (r"\b(must|should|ought to|needs? to|has to|have to)\b(?! (?:have|be noted|be said)\b)", 0.9,
     ("must", "should", "ought to", "need", "has to", "have to")),
    (r"\b(it is|it's) (?:high )?time (?:to|for)\b", 0.9, ("time to", "time for")),
    (r"\b(?:we|i) (?:urge|recommend|propose|call on|call for)\b", 0.9, ("urge", "recommend", "propose", "call")),
    (r"\b(?:urges?|urged|calls? on|calls? for|recommends?|proposes?)\b", 0.6, ("urge", "call", "recommend", "propose")),
    (r"\bone (?:way|option|step|answer) (?:is|would be|forward)\b", 0.8, ("one way", "one option", "one step", "one answer")),
    (r"\b(?:is|are) (?:needed|required|essential|overdue)\b", 0.7, ("needed", "required", "essential", "overdue")),
    (r"\bthe (?:best|right|wiser|smarter) (?:course|policy|path|approach)\b", 0.7,
     ("the best", "the right", "the wiser", "the smarter")),
    (r"\binstead,? (?:pursue|focus|invest|work)\b", 0.7, ("instead",)),
    (r"\b(?:could|would do well to) (?:also )?(?:help|play|collaborate|work|build|invest|consider)\b", 0.5,
     ("could", "would do well to")),
    (r"^(?:let us|let's)\b", 0.8, ("let",)),
)
# A cue's regex runs only on a sentence whose lower-cased text holds one of its words:
# plain substring searches rule out most (sentence, cue) pairs at C speed. The regexes
# search the lower-cased sentence, case-sensitively: IGNORECASE was 5x slower.
PATTERNS = [(re.compile(p), w, words) for p, w, words in CUES]
CUE_WORDS = {  # each cue word, and the cues (pattern, strength) that need it; most sentences have none
    word: [(pattern, w) for pattern, w, words in PATTERNS if word in words]
    for word in dict.fromkeys(word for *_, words in CUES for word in words)
}
REPORTED = re.compile(r"\b(said|says|told|according to|argued|claimed)\b|[\"“”]")  # on lower-cased text
ACTOR = re.compile(  # a leading discourse word ("So the United States should") is not the actor
    r"(?:^(?:(?i:so|and|but|instead|therefore|finally|first|second|third|now|today)\s+)?|[,;]\s+|\bthat\s+)"
    r"((?:the\s+)?[A-Z][\w.’'-]*+(?:[\s-]++(?:of\s+|and\s+)?[A-Z][\w.’'-]*+){0,5})"
    r"(?:\s+(?:also|therefore|now|instead|still))?\s+(?:must|should|ought|needs?|has to|have to|could|would)\b"
)
MIN_WORDS, MAX_WORDS = 6, 80


def find_actor(sentence: str) -> str | None:
    """Who should act, when the sentence names it as the subject of its modal."""
    match = ACTOR.search(sentence)
    if not match:
        return None
    actor = match.group(1).strip()
    return None if actor.lower() in {"it", "this", "that", "there", "we", "they", "such"} else actor


def score_sentences(sentences: Sequence[str]) -> list[float]:
    """How strongly the author prescribes in each sentence of a text (0: not at all).

    Each cue word is searched for once in the whole lower-cased text rather than in
    every sentence, and only the sentences it lands in (about one in six) are scored:
    a Python loop over every (sentence, word) pair cost more than splitting the text.
    """
    lowered = [sentence.lower() for sentence in sentences]
    text = "\n".join(lowered)
    starts = list(accumulate((len(line) + 1 for line in lowered), initial=0))
    candidates: dict[int, set] = {}  # sentence index -> the cues whose words it holds
    for word, cues in CUE_WORDS.items():
        at = text.find(word)
        while at != -1:
            candidates.setdefault(bisect_right(starts, at) - 1, set()).update(cues)
            at = text.find(word, at + 1)
    scores = [0.0] * len(sentences)
    for index, cues in candidates.items():
        scores[index] = _cue_strength(lowered[index], cues)
    return scores


def _cue_strength(lowered: str, cues: set) -> float:
    strength = max((w for pattern, w in cues if pattern.search(lowered)), default=0.0)
    if not strength:
        return 0.0
    if lowered.rstrip().endswith("?"):
        strength *= 0.3
    if REPORTED.search(lowered):
        strength *= 0.6
    return strength


def prescriptions(sentences: Sequence[str], limit: int = MAX_RECOMMENDATIONS) -> list[Recommendation]:
    """The sentences that prescribe, strongest first (earlier first on ties)."""
    found = [
        (-score, position, sentence)
        for position, (sentence, score) in enumerate(zip(sentences, score_sentences(sentences)))
        if score >= 0.45 and MIN_WORDS <= len(sentence.split()) <= MAX_WORDS
    ]
    found.sort()
    return [
        Recommendation(text=sentence, actor=find_actor(sentence), score=round(-neg, 2))
        for neg, _, sentence in found[:limit]
    ]
