"""Chinese-aware chunking: headings, legal articles, then whole sentences.

A legal article (``第十七条 …`` with its paragraphs) stays in one chunk when
it fits ``max_chars``; a longer one, or a long section, is packed from whole
sentences (ending in 。！？；) to about ``target_chars`` with a few sentences
of overlap. Length is counted in characters. A single sentence longer than
``max_chars`` (rare outside tables) is cut at commas, and as a last resort at
``max_chars``, because the embedder truncates longer input anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.documents import Chunk, Document, content_hash

CHUNKER_VERSION = "3"
# Sentences per vector: each chunk is embedded as windows of this many
# sentences, and a query matches a chunk through its best window.
WINDOW_SENTENCES = 3

_NUM = "零〇一二三四五六七八九十百千两0-9"
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ARTICLE = re.compile(rf"^[*\s]*(第[{_NUM}]+条)(?:[*\s　]|$)")
# Chapter or part lines in plain-text laws, treated as headings.
_CHAPTER = re.compile(rf"^(第[{_NUM}]+[编章节])[\s　]*(\S.*)?$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])[」”’）)]*")
_SOFT_BREAK = re.compile(r"(?<=[，、：,:])")


@dataclass(frozen=True)
class ChunkingOptions:
    """Sizes in characters."""

    target_chars: int = 300
    max_chars: int = 500
    overlap_chars: int = 80


@dataclass
class _Unit:
    """Paragraphs that belong under one label: an article or a section."""

    section: str
    is_article: bool
    paragraphs: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping the punctuation with its sentence."""
    sentences: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            if match.end() > start:
                sentences.append(line[start : match.end()])
                start = match.end()
        if line[start:].strip():
            sentences.append(line[start:])
    return [s for s in (part.strip() for part in sentences) if s]


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    """Break an over-long sentence at commas, then hard at ``max_chars``."""
    pieces: list[str] = []
    current = ""
    for part in _SOFT_BREAK.split(sentence):
        if current and len(current) + len(part) > max_chars:
            pieces.append(current)
            current = ""
        current += part
        while len(current) > max_chars:
            pieces.append(current[:max_chars])
            current = current[max_chars:]
    if current:
        pieces.append(current)
    return pieces


def _units(document: Document) -> list[_Unit]:
    """Group the document's paragraphs under headings and articles."""
    units: list[_Unit] = []
    section = ""
    current: _Unit | None = None
    for raw in document.text.split("\n"):
        line = raw.strip()
        heading = _HEADING.match(line)
        chapter = _CHAPTER.match(line) if not heading else None
        if heading or chapter:
            label = heading.group(2) if heading else line
            # A level-one heading repeats the title; text under it is a preamble.
            if heading and len(heading.group(1)) == 1:
                label = ""
            section, current = label.strip("* "), None
            continue
        if not line:
            continue
        article = _ARTICLE.match(line)
        if article:
            current = _Unit(article.group(1), True)
            units.append(current)
        elif current is None:
            current = _Unit(section, False)
            units.append(current)
        current.paragraphs.append(line)
    for entry in document.entries:
        units.append(_Unit(entry.heading, True, [f"问：{entry.heading}", entry.text]))
    return units


def _pack(sentences: list[str], options: ChunkingOptions) -> list[str]:
    """Greedily pack sentences to the target size with sentence overlap."""
    pieces: list[str] = []
    window: list[str] = []
    carried = 0  # sentences at the start of window repeated from the last piece
    for sentence in sentences:
        size = sum(map(len, window))
        if window and size + len(sentence) > options.target_chars:
            if carried == len(window):
                # Only overlap so far: drop it rather than repeat it alone.
                window, carried = [], 0
            else:
                pieces.append("".join(window))
                overlap: list[str] = []
                for previous in reversed(window):
                    if sum(map(len, overlap)) + len(previous) > options.overlap_chars:
                        break
                    overlap.insert(0, previous)
                window, carried = overlap, len(overlap)
            if window and sum(map(len, window)) + len(sentence) > options.max_chars:
                window, carried = [], 0
        window.append(sentence)
    if window and carried < len(window):
        pieces.append("".join(window))
    return pieces


def _split_unit(unit: _Unit, options: ChunkingOptions) -> list[str]:
    """One text for a unit that fits, otherwise sentence-packed pieces."""
    whole = "\n".join(unit.paragraphs)
    if len(whole) <= (options.max_chars if unit.is_article else options.target_chars):
        return [whole]
    sentences: list[str] = []
    for paragraph in unit.paragraphs:
        for sentence in split_sentences(paragraph):
            sentences.extend(_cut_long(sentence, options.max_chars))
        # Keep paragraph breaks visible in the packed text.
        if sentences:
            sentences[-1] += "\n"
    return [piece.strip() for piece in _pack(sentences, options)]


def chunk_document(
    document: Document, options: ChunkingOptions | None = None
) -> list[Chunk]:
    """Cut a document into chunks that each carry their citation fields."""
    options = options or ChunkingOptions()
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for unit in _units(document):
        for text in _split_unit(unit, options):
            digest = content_hash(f"{unit.section}\n{text}")
            count = seen.get(digest, 0)
            seen[digest] = count + 1
            suffix = f"-{count}" if count else ""
            chunks.append(
                Chunk(
                    chunk_id=f"{document.doc_id}:{digest[:16]}{suffix}",
                    doc_id=document.doc_id,
                    title=document.title,
                    section=unit.section,
                    position=len(chunks),
                    text=text,
                    updated=document.updated,
                    source=document.source,
                    hash=digest,
                )
            )
    return chunks


def vector_texts(chunk: Chunk) -> list[str]:
    """The texts embedded for a chunk: sentence windows with the chunk's heading.

    Short questions match one or two sentences far better than a whole
    article, so a chunk of several sentences gets one vector per window of
    ``WINDOW_SENTENCES``; search scores a chunk by its best window.
    """
    sentences = split_sentences(chunk.text)
    if len(sentences) <= WINDOW_SENTENCES:
        return [chunk.embed_text]
    head = chunk.embed_text.split("\n", 1)[0]
    return [
        f"{head}\n{''.join(sentences[i : i + WINDOW_SENTENCES])}"
        for i in range(0, len(sentences), WINDOW_SENTENCES)
    ]


def vector_ids(chunk: Chunk) -> list[str]:
    """Chroma ids of a chunk's vectors, ``<chunk_id>#<window>``."""
    return [f"{chunk.chunk_id}#{n}" for n in range(len(vector_texts(chunk)))]


def chunk_of(vector_id: str) -> str:
    """The chunk id a Chroma vector id belongs to."""
    return vector_id.rsplit("#", 1)[0]
