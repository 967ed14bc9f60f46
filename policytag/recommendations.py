"""Finding the sentences in which the author prescribes a course of action.

A sentence qualifies when it carries a prescriptive cue ("must", "should", "need to",
"it is time to", "we urge", "One way is ..."). Cues are weighted by strength; reported
speech and questions count for less, since they are someone else's view or no view.
The actor is the subject before the modal when the sentence names one.
"""

from __future__ import annotations

import re

from .schema import Recommendation
from .sentences import split_sentences

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
# A cue's IGNORECASE regex runs only when one of its words is in the lower-cased
# sentence: plain substring tests rule out most (sentence, cue) pairs at C speed.
PATTERNS = [(re.compile(p, re.IGNORECASE), w, words) for p, w, words in CUES]
CUE_WORDS = tuple(dict.fromkeys(word for *_, words in CUES for word in words))  # most sentences have none
REPORTED = re.compile(r"\b(said|says|told|according to|argued|claimed)\b|[\"“”]", re.IGNORECASE)
ACTOR = re.compile(  # a leading discourse word ("So the United States should") is not the actor
    r"(?:^(?:(?i:so|and|but|instead|therefore|finally|first|second|third|now|today)\s+)?|[,;]\s+|\bthat\s+)"
    r"((?:the\s+)?[A-Z][\w.’'-]*(?:[\s-]+(?:of\s+|and\s+)?[A-Z][\w.’'-]*){0,5})"
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


def score_sentence(sentence: str) -> float:
    lowered = sentence.lower()
    if not any(word in lowered for word in CUE_WORDS):
        return 0.0
    strength = max(
        (w for pattern, w, words in PATTERNS if any(word in lowered for word in words) and pattern.search(sentence)),
        default=0.0,
    )
    if not strength:
        return 0.0
    if sentence.rstrip().endswith("?"):
        strength *= 0.3
    if REPORTED.search(sentence):
        strength *= 0.6
    return strength


def extract_recommendations(text: str, limit: int = MAX_RECOMMENDATIONS) -> list[Recommendation]:
    """The prescriptive sentences of ``text``, strongest first (earlier first on ties)."""
    found = []
    for position, sentence in enumerate(split_sentences(text)):
        if not MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
            continue
        score = score_sentence(sentence)
        if score >= 0.45:
            found.append((-score, position, sentence))
    found.sort()
    return [
        Recommendation(text=sentence, actor=find_actor(sentence), score=round(-neg, 2))
        for neg, _, sentence in found[:limit]
    ]
