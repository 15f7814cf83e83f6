"""Terms for lexical search: jieba words plus character bigrams.

jieba is created lazily as our own ``jieba.Tokenizer`` with its dictionary
cache in the system temporary directory (jieba's own default, stated here so
it is never the working directory), and its start-up chatter is silenced.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

logger = logging.getLogger(__name__)

# Words of the organisation that jieba would otherwise split apart.
DOMAIN_WORDS = (
    "四点半课堂",
    "时间银行",
    "助老助浴",
    "点亮微心愿",
    "微心愿",
    "环保先锋行动",
    "垃圾分类",
    "志愿服务记录证明",
    "志愿服务记录",
    "党员先锋岗",
    "绑定码",
    "服务站",
    "星级评价",
)
# Question words and particles that carry no topic.
STOPWORDS = frozenset(
    (
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "又",
        "把",
        "被",
        "给",
        "让",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "咱们",
        "自己",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "什么",
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "哪些",
        "哪里",
        "哪儿",
        "哪个",
        "多少",
        "几",
        "为什么",
        "为啥",
        "是否",
        "是不是",
        "能不能",
        "可不可以",
        "请问",
        "一下",
        "一个",
        "有没有",
        "需要",
        "要",
        "想",
        "能",
        "会",
        "可以",
        "应该",
        "不能",
        "不会",
        "没有",
        "知道",
        "时候",
        "怎么办",
        "一起",
        "有人",
        "去",
        "做",
        "来",
        "说",
        "看",
        "跟",
        "提",
        "里",
        "到",
        "用",
        "人",
        "哪",
        "请",
        "啥",
    )
)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[\w\u4e00-\u9fff]")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """The shared jieba tokenizer, initialised once and quietly."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = tempfile.gettempdir()
            tokenizer.initialize()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=20000)
            _tokenizer = tokenizer
    return _tokenizer


def _bigrams(words: list[str]) -> list[str]:
    """Character bigrams over runs of single characters jieba left alone.

    Names jieba does not know (a street, a person) come out as single
    characters; their bigrams make them findable. Bigrams across whole
    words would mostly add noise.
    """
    grams: list[str] = []
    run = ""
    for word in [*words, ""]:
        if len(word) == 1 and _CJK_RUN.fullmatch(word) and word not in STOPWORDS:
            run += word
            continue
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        run = ""
    return grams


def _search_words(tokenizer: jieba.Tokenizer, words: list[str]) -> list[str]:
    """Words plus their dictionary 2- and 3-character parts.

    The same expansion as jieba's ``cut_for_search``, from one ``cut`` pass.
    """
    found: list[str] = []
    for word in words:
        for size in (2, 3):
            if len(word) > size:
                found.extend(
                    word[i : i + size]
                    for i in range(len(word) - size + 1)
                    if tokenizer.FREQ.get(word[i : i + size])
                )
        found.append(word)
    return found


def terms(text: str) -> list[str]:
    """Index terms of a text: search-mode words, then bigrams."""
    tokenizer = _jieba()
    words = [w.strip().lower() for w in tokenizer.cut(text)]
    words = [w for w in words if w and _WORD.search(w)]
    kept = [w for w in _search_words(tokenizer, words) if w not in STOPWORDS]
    return kept + _bigrams(words)
