"""The cheap intent step: which tool (or knowledge, or chat) a message needs.

A 1.5B model offered a dozen tools calls none, or the wrong one with an
invented id, so code chooses and the model only fills arguments. The
classifier is a nearest-examples scorer over character uni- and bigrams,
TF-IDF weighted, plus cue phrases; both come from
``prompts/intent_examples.yaml`` so staff can teach it new wordings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from assistant import prompts

KNOWLEDGE = "knowledge"
CHAT = "chat"

_NOISE = re.compile(r"[\s，。！？、；：,.!?;:~～…「」『』“”\"'（）()【】\[\]]+")
# Numbers carry no meaning for the intent but share many bigrams: a need
# code, a phone (masked or not) and any other number become one symbol each.
_SYMBOLS = (
    (re.compile(r"XQ\d{6}[0-9A-Z]{5}", re.I), "Ⓝ"),
    (re.compile(r"1[3-9]\d[\d*\s-]{7,10}\d"), "Ⓟ"),
    (re.compile(r"\d+"), "Ⓓ"),
)
# A message with one of these is a question: unmatched, it goes to knowledge.
_QUESTION = re.compile(
    r"[?？]|吗|么|如何|怎样|怎么|咋|哪|什么|啥|多少|几|是否|能不能|可不可以|有没有"
    r"|谁|多长|多久|多大|[不没][?？]?$"
)
# "How does X work" about a tool's subject is a knowledge question, unless
# the user also asks for the action or names a record.
_HOW = re.compile(r"怎么(?!样)|如何|哪些|什么|是否|规定|条件|要求|几类|一般是")
_ACTION = re.compile(
    r"帮我|给我|我要|我想要|请你|派|麻烦|能不能.{0,4}(来|派|帮)|能帮|可以帮|XQ\d{6}",
    re.I,
)
HOW_PENALTY = 0.4
# Dialect and colloquial words, read as their standard forms.
_DIALECT = (
    ("俺", "我"),
    ("咋", "怎么"),
    ("啥", "什么"),
    ("娃", "孩子"),
    ("晓得", "知道"),
)
_CHAT_ONLY = re.compile(r"^.{0,4}(在吗|好吗|是谁|谁呀|谁啊)[?？!！。]*$")
# Below this score nothing matched well: fall back to knowledge or chat.
MIN_SCORE = 0.3
_TOP = 2


def standard(text: str) -> str:
    """The message with dialect words replaced by their standard forms."""
    for word, replacement in _DIALECT:
        text = text.replace(word, replacement)
    return text


def _features(text: str) -> Counter[str]:
    for pattern, symbol in _SYMBOLS:
        text = pattern.sub(symbol, text)
    clean = _NOISE.sub("", text.lower())
    grams: Counter[str] = Counter(clean)
    grams.update(clean[i : i + 2] for i in range(len(clean) - 1))
    return grams


@dataclass(frozen=True)
class Intent:
    """The chosen intent, its score and the runner-up, for logs and eval."""

    name: str
    score: float
    runner_up: str | None = None
    scores: Mapping[str, float] = field(default_factory=dict)


class IntentClassifier:
    """Score intents by similarity to examples plus cue-phrase weights."""

    def __init__(
        self,
        examples: Mapping[str, Sequence[str]],
        cues: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        self._cues = {
            name: [(re.compile(p), float(w)) for p, w in (table or {}).items()]
            for name, table in (cues or {}).items()
        }
        bags = [
            (name, _features(text))
            for name, texts in examples.items()
            for text in texts
        ]
        documents = Counter(gram for _, bag in bags for gram in bag)
        total = len(bags) or 1
        self._idf = {
            g: math.log((1 + total) / (1 + n)) + 1 for g, n in documents.items()
        }
        self._examples = [(name, self._vector(bag)) for name, bag in bags]
        self.names = sorted({*examples, *self._cues})

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        vector = {g: c * self._idf.get(g, 1.0) for g, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items()}

    def scores(self, text: str) -> dict[str, float]:
        """Every intent's score for ``text``."""
        text = standard(text)
        query = self._vector(_features(text))
        similar: dict[str, list[float]] = {}
        for name, example in self._examples:
            sim = sum(w * example.get(g, 0.0) for g, w in query.items())
            similar.setdefault(name, []).append(sim)

        asks_how = bool(_HOW.search(text)) and not _ACTION.search(text)
        result = {}
        for name in self.names:
            best = sorted(similar.get(name, [0.0]), reverse=True)[:_TOP]
            score = sum(best) / len(best)
            score += sum(w for p, w in self._cues.get(name, []) if p.search(text))
            if asks_how and name not in (KNOWLEDGE, CHAT):
                score -= HOW_PENALTY
            result[name] = score
        return result

    def classify(self, text: str, allowed: Collection[str] | None = None) -> Intent:
        """The best intent, among ``allowed`` when given."""
        text = standard(text)
        scores = self.scores(text)
        ranked = sorted(
            (n for n in scores if allowed is None or n in allowed),
            key=lambda n: scores[n],
            reverse=True,
        )
        if not ranked or scores[ranked[0]] < MIN_SCORE:
            fallback = KNOWLEDGE if _QUESTION.search(text) else CHAT
            return Intent(fallback, 0.0, ranked[0] if ranked else None, scores)
        if ranked[0] == CHAT and _QUESTION.search(text) and not _CHAT_ONLY.match(text):
            # "谢谢，顺便问下…电话多少": the question matters more than the thanks.
            return Intent(KNOWLEDGE, scores.get(KNOWLEDGE, 0.0), CHAT, scores)
        runner_up = ranked[1] if len(ranked) > 1 else None
        return Intent(ranked[0], scores[ranked[0]], runner_up, scores)


@cache
def default_classifier() -> IntentClassifier:
    """The classifier built from ``prompts/intent_examples.yaml``."""
    data = prompts.table("intent_examples.yaml")
    examples = {name: list(spec.get("examples", [])) for name, spec in data.items()}
    cues = {name: dict(spec.get("cues", {}) or {}) for name, spec in data.items()}
    return IntentClassifier(examples, cues)
