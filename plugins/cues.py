"""The cues by which a sentence shows its author arguing or prescribing, as numbers.

Real authors prescribe in many ways besides "should": "Washington would be wise to…",
"the answer is not more troops but…", "Congress can and should…", "better to… than…",
an imperative ("Drop the pretence that…"). Reported speech ("the minister said Kyiv
must…"), quotation marks and questions mark a view that is someone else's or no view.
Each cue is one column; the sentence models learn how much each counts, beside the
sentence's words.

Cues are phrases of words, found in the sentences' word stream with array operations
rather than one regular expression per cue and sentence (which cost more than the
rest of tagging): every word is looked up once, and a phrase of n words is a number
made of its words' ids, matched against the cue phrases' numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product

import numpy as np


def _phrases(*groups: str) -> list[tuple[str, ...]]:
    """Phrases given as "a b|c d" strings, or as products "{x,y} {u,v}"."""
    out = []
    for group in groups:
        for phrase in group.split("|"):
            parts = [p.strip("{}").split(",") if p.startswith("{") else [p] for p in phrase.split()]
            out.extend(product(*parts))
    return out


# (cue, phrases that mark it); phrases are lower-case words as the tokenizer gives them
# ("shouldn't" is "shouldn" "t", "let's" is "let" "s").
CUES: tuple[tuple[str, list[tuple[str, ...]]], ...] = (
    ("modal", _phrases("should|must|ought to|need to|needs to|has to|have to")),
    ("needs", _phrases("need|needs|require|requires|deserve|deserves|warrant|warrants|merit|merits")),
    ("modal_not", _phrases("should not|must not|shouldn|mustn|need not|ought not|cannot be allowed")),
    ("modal_past", _phrases("should have|must have|ought to have")),
    ("time_to", _phrases("{it,now} is time|it s time|high time|time has come|time for")),
    ("we_urge", _phrases("{we,i} {urge,recommend,propose,suggest,call,believe,argue}")),
    ("reported_call", _phrases("urge|urges|urged|calls|called|recommends|recommended|proposes|proposed|demands|demanded|pressed")),
    ("one_way", _phrases("{one,another,a,the,first,better} {way,option,step,answer,solution,priority} {is,would,forward}")),
    ("needed", _phrases("{is,are} {needed,required,essential,overdue,necessary,urgent,vital,imperative}")),
    ("best_course", _phrases("{best,right,wiser,wisest,smarter,sensible,prudent,better,only} {course,policy,path,approach,option,move,answer,choice,bet}")),
    ("would_be_wise", _phrases("would be {wise,smart,prudent,foolish,mistake}|would be a mistake|would be well advised|would do well|would be better off")),
    ("answer_is", _phrases("{answer,solution,remedy,fix,lesson,task,goal} {is,lies}")),
    ("better_to", _phrases("{better,wiser,safer,cheaper,smarter} to|far better")),
    ("can_and_should", _phrases("can and should|can and must|could and should")),
    ("instead", _phrases("instead|rather than")),
    ("could_would", _phrases("{could,would} {help,play,also,work,build,invest,consider,start,offer,begin,collaborate,give,"
                             "allow,ensure,reduce,strengthen,save,add,cushion,outlast,bite,serve,go}|would be {safer,better,"
                             "cheaper,wiser,smarter,fairer}")),
    ("cannot_afford", _phrases("cannot afford|can t afford|no longer afford|no substitute|no alternative")),
    ("needs_is", _phrases("{needs,need} is|{needs,need} now is")),
    ("first_person", _phrases("we|our|us|i|my|ourselves")),
    ("reported", _phrases("said|says|told|according to|argued|argues|claimed|claims|warned|insisted|stated|added|noted|wrote")),
)
# Imperatives open a sentence with a bare verb: "Stop pretending…", "Drop the idea that…".
IMPERATIVE = frozenset((
    "stop end drop cut keep give make start pull bring tell put take send hold resist accept recognise recognize "
    "reject abandon rethink restore reopen sign negotiate engage invest fund withdraw lift impose arm expand build "
    "reduce scrap talk leave forget remember consider treat offer demand pay spend ban tighten ease"
).split())
START_CUES = ("imperative", "let_us")
# Words that may come before a sentence's verb without making it less of an imperative:
# "And stop pretending…", "Finally, separate the two files.", "Second, distinguish…".
LEADING = frozenset("and but so then finally first second third fourth fifth next lastly instead now also rather".split())
TEXT_CUES = ("quoted", "question", "number")
# A modal inside reported or quoted speech is someone else's prescription ("the minister
# said Kyiv must…"): the two together, which a linear model cannot see from each alone.
BOTH_CUES = (("reported_modal", ("modal", "reported")), ("reported_call_modal", ("modal", "reported_call")),
             ("quoted_modal", ("modal", "quoted")))
NAMES = tuple(name for name, _ in CUES) + START_CUES + TEXT_CUES + tuple(name for name, _ in BOTH_CUES)

WORD_ID = {w: i for i, w in enumerate(sorted({w for _, phrases in CUES for p in phrases for w in p} | IMPERATIVE | LEADING | {"let"}))}
UNKNOWN = len(WORD_ID)  # the id of a word no cue has
BASE = len(WORD_ID) + 1
MAX_PHRASE = max(len(p) for _, phrases in CUES for p in phrases)


def _key(ids) -> int:
    key = 0
    for i in ids:
        key = key * BASE + i
    return key


# Per phrase length: the phrases' keys, sorted, and the cue column of each.
PHRASE_TABLES = []
for _n in range(1, MAX_PHRASE + 1):
    _pairs = sorted({(_key(WORD_ID[w] for w in p), column) for column, (_, phrases) in enumerate(CUES)
                     for p in phrases if len(p) == _n})
    PHRASE_TABLES.append((np.array([k for k, _ in _pairs], dtype=np.int64), np.array([c for _, c in _pairs], dtype=np.int64)))
IMPERATIVE_IDS = np.zeros(BASE, dtype=bool)
IMPERATIVE_IDS[[WORD_ID[w] for w in IMPERATIVE]] = True
LEADING_IDS = np.zeros(BASE, dtype=bool)
LEADING_IDS[[WORD_ID[w] for w in LEADING]] = True


DIGIT = re.compile(r"[0-9]")
CLOSING = " \"”’')"


def character_cues(sentences: Sequence[str]) -> np.ndarray:
    """Per sentence: holds a quotation mark; ends in a question mark (before closing
    quotes and brackets); holds a digit."""
    return np.array([
        ['"' in s or "“" in s or "”" in s for s in sentences],
        [s.rstrip(CLOSING).endswith("?") for s in sentences],
        [DIGIT.search(s) is not None for s in sentences],
    ], dtype=np.float32).T.reshape(len(sentences), 3)


def first_words(stream: np.ndarray) -> np.ndarray:
    """Each sentence's position of its first word after at most two :data:`LEADING` words
    (the verb of an imperative), or of its end (-1) when it has none. ``stream`` as for
    :func:`cue_matrix`."""
    ends = np.flatnonzero(stream == -1)
    if not len(ends):
        return ends
    starts = np.r_[0, ends[:-1] + 1]
    for _ in range(2):  # "And finally, ..."
        at = stream[np.minimum(starts, len(stream) - 1)]
        starts = np.where((starts < ends) & (at >= 0) & LEADING_IDS[np.clip(at, 0, BASE - 1)], starts + 1, starts)
    return starts


def cue_matrix(sentences: Sequence[str], stream: np.ndarray, first: np.ndarray) -> np.ndarray:
    """One row per sentence, one 0/1 column per cue (see :data:`NAMES`).

    ``stream`` is the sentences' words in order as cue-word ids (:data:`WORD_ID`,
    :data:`UNKNOWN` for other words), each sentence ended by -1 (see :mod:`.words`);
    ``first``: each sentence's :func:`first_words` position. Only the positions of cue
    words are looked at: a phrase of n words is n cue words at consecutive positions, its
    key the number their ids make in base :data:`BASE`.
    """
    out = np.zeros((len(sentences), len(NAMES)), dtype=np.float32)
    if not sentences:
        return out
    ends = np.flatnonzero(stream == -1)
    at = np.flatnonzero((stream >= 0) & (stream != UNKNOWN))  # positions of cue words
    ids, row_of = stream[at], np.searchsorted(ends, at)
    key = ids
    for n, (keys, columns) in enumerate(PHRASE_TABLES, start=1):
        if n > 1:  # the phrase of n cue words starting at each cue word, if they are consecutive
            key = key[:-1] * BASE + ids[n - 1:]
            at_start = at[: len(key)]
            consecutive = at[n - 1:] - at_start == n - 1
        else:
            consecutive = np.ones(len(key), dtype=bool)
        if not len(keys) or not len(key):
            continue
        found = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        hit = consecutive & (keys[found] == key)
        out[row_of[: len(key)][hit], columns[found[hit]]] = 1.0
    word = stream[first]  # -1 for a sentence with no word after its leading ones
    base = len(CUES)
    out[:, base] = (word >= 0) & IMPERATIVE_IDS[np.clip(word, 0, BASE - 1)]
    out[:, base + 1] = word == WORD_ID["let"]
    out[:, base + 2:base + 5] = character_cues(sentences)
    for column, (_, (a, b)) in enumerate(BOTH_CUES, start=base + 5):
        out[:, column] = out[:, NAMES.index(a)] * out[:, NAMES.index(b)]
    return out


# The actor is the subject of the prescriptive verb: a run of capitalised words (words
# and joiners possessive, so a long run of capitalised words cannot make it backtrack);
# a leading discourse word ("So the United States should") is not part of it.
ACTOR = re.compile(
    r"(?:^(?:(?i:so|and|but|instead|therefore|finally|first|second|third|now|today|why|how)\s+)?|[,;]\s+|\bthat\s+)"
    r"((?:the\s+)?[A-Z][\w.’'-]*+(?:[\s-]++(?:of\s+|and\s+)?[A-Z][\w.’'-]*+){0,5})"
    r"(?:\s+(?:also|therefore|now|instead|still))?\s+"
    r"(?:must|should|ought|needs?|has to|have to|could|would|can|cannot|will have to)\b"
)
NOT_ACTORS = {"it", "this", "that", "there", "we", "they", "such", "the answer", "the solution"}


TITLE_CASE_MODAL = re.compile(r"\b(?:Must|Should|Ought|Needs?|Has|Have|Could|Would|Can|Cannot|Will)\b")


def find_actor(sentence: str, headline: bool = False) -> str | None:
    """Who should act, when the sentence names it as the subject of its prescription (a
    headline's modal is in title case: "Tokyo and Manila Should Turn Drills into…")."""
    if headline:
        sentence = TITLE_CASE_MODAL.sub(lambda m: m.group().lower(), sentence)
    match = ACTOR.search(sentence)
    if not match:
        return None
    actor = match.group(1).strip()
    return None if actor.lower() in NOT_ACTORS else actor
