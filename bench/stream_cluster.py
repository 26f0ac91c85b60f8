"""Scale of the cluster stage: a deterministic synthetic stream of articles assigned incrementally.

Articles and their extractions are generated directly (no spaCy, no cleaning): this measures
``cluster.assign`` alone, inside the same per-article transaction the pipeline uses, on a
file-backed store. Prints the per-article assignment time (mean / p50 / p99 over the articles
just before each checkpoint) at 1k, 10k and 100k stored articles, the peak memory (max RSS) and,
as a sanity check, BCubed F1 of the stories against the generator's true stories.

The generator: stories happen on days spread over the stream; each has an event type, 2-3 actors
drawn from a Zipf-popular pool (so the same "president" recurs across many stories), a topic
vocabulary shared with other stories of that topic, and a few story-specific words. Each
article mixes story, topic and background words, names the story's actors (plus some noise
entities), reports the main event with its day most of the time, and 4% of the articles are
lightly edited copies of an earlier article (syndication).

    .venv/bin/python bench/stream_cluster.py            # 100,000 articles
    .venv/bin/python bench/stream_cluster.py --n 10000  # smaller
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from newsweave import cluster
from newsweave.records import Article, ArticleExtraction, Entity, Event, Mention, RawDocument, Sentence

PLOVER = ["CONSULT", "AGREE", "ACCUSE", "REQUEST", "SUPPORT", "PROTEST", "ASSAULT", "COERCE", "AID", "INVESTIGATE",
          "THREATEN", "REJECT", "SANCTION", "RETREAT", "MOBILIZE"]
SYLLABLES = [a + b for a in "bcdfghjklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]
START = date(2025, 1, 1)
ARTICLES_PER_DAY = 400
COPY_RATE = 0.04


def make_vocab(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct pronounceable pseudo-words of 2-4 syllables (never English stopwords)."""
    words: set[str] = set()
    while len(words) < n:
        k = int(rng.integers(2, 5))
        words.add("".join(SYLLABLES[int(i)] for i in rng.integers(0, len(SYLLABLES), k)))
    return sorted(words)


@dataclass
class StorySpec:
    index: int
    day: date
    plover: str
    actors: list[int]
    topic: int
    words: list[str]
    size: int


class Generator:
    """Deterministic stream: same seed, same articles, same order."""

    def __init__(self, n: int, seed: int = 42) -> None:
        self.n = n
        self.rng = np.random.default_rng(seed)
        vocab = make_vocab(self.rng, 40_000)
        self.background = vocab[:20_000]
        self.topic_words = [vocab[20_000 + t * 150: 20_000 + (t + 1) * 150] for t in range(60)]
        self.story_vocab = vocab[29_000:]
        self.actors = [f"person:actor-{i}" for i in range(3000)]
        actor_weights = 1.0 / np.arange(1, len(self.actors) + 1) ** 1.1
        self.actor_p = actor_weights / actor_weights.sum()
        bg_weights = 1.0 / np.arange(1, len(self.background) + 1)
        self.bg_p = bg_weights / bg_weights.sum()

    def stories(self) -> Iterator[StorySpec]:
        made, i = 0, 0
        days = max(1, self.n // ARTICLES_PER_DAY)
        while made < self.n:
            size = int(min(40, self.rng.geometric(0.2)))  # mean about 5 articles per story
            day = START + timedelta(days=int(made * days / self.n))
            actors = list(dict.fromkeys(int(a) for a in self.rng.choice(len(self.actors), 3, p=self.actor_p)))
            words = [self.story_vocab[int(w)] for w in self.rng.integers(0, len(self.story_vocab), 12)]
            yield StorySpec(i, day, PLOVER[int(self.rng.integers(0, len(PLOVER)))], actors,
                            int(self.rng.integers(0, 60)), words, size)
            made += size
            i += 1

    def articles(self) -> Iterator[tuple[Article, ArticleExtraction, int]]:
        """(article, extraction, true story index) in publication order."""
        pending: list[tuple[float, int, Article, ArticleExtraction, int]] = []
        bodies: dict[int, list[str]] = defaultdict(list)
        count = 0
        for story in self.stories():
            for j in range(story.size):
                if count >= self.n:
                    break
                lag = float(self.rng.exponential(0.7))  # days after the event
                published = story.day + timedelta(days=min(int(lag), 4))
                if j > 0 and self.rng.random() < COPY_RATE / 0.8:  # about 80% of articles have j > 0
                    body = self._copy(bodies[story.index][-1])
                else:
                    body = self._body(story)
                bodies[story.index].append(body)
                article, extraction = self._article(count, story, body, published, j)
                pending.append((published.toordinal() + lag % 1, count, article, extraction, story.index))
                count += 1
            # Release articles in publication order once no later story can precede them.
            pending.sort(key=lambda p: (p[0], p[1]))
            horizon = story.day.toordinal()
            while pending and pending[0][0] < horizon:
                _, _, a, x, s = pending.pop(0)
                yield a, x, s
            if count >= self.n:
                break
        for _, _, a, x, s in sorted(pending, key=lambda p: (p[0], p[1])):
            yield a, x, s

    def _body(self, story: StorySpec) -> str:
        n = int(self.rng.integers(180, 320))
        kinds = self.rng.random(n)
        story_pick = self.rng.integers(0, len(story.words), n)
        topic = self.topic_words[story.topic]
        topic_pick = self.rng.integers(0, len(topic), n)
        bg_pick = self.rng.choice(len(self.background), size=n, p=self.bg_p)
        out = [story.words[s] if k < 0.12 else topic[t] if k < 0.35 else self.background[b]
               for k, s, t, b in zip(kinds, story_pick, topic_pick, bg_pick, strict=True)]
        sentences = [" ".join(out[i:i + 20]).capitalize() + "." for i in range(0, n, 20)]
        return "\n".join(sentences)

    def _copy(self, body: str) -> str:
        """A syndicated copy: the last sentence cut and a few words swapped."""
        words = body.split(" ")
        for _ in range(4):
            words[int(self.rng.integers(0, len(words)))] = self.background[int(self.rng.integers(0, 2000))]
        text = " ".join(words)
        return text[: text.rfind("\n")] if "\n" in text else text

    def _article(self, i: int, story: StorySpec, body: str, published: date,
                 j: int) -> tuple[Article, ArticleExtraction]:
        aid = hashlib.sha256(f"stream-{i}".encode()).hexdigest()[:16]
        title = " ".join(self.rng.choice(story.words, 5)).capitalize()
        article = Article(id=aid, path=f"stream/{i}.txt", body=body, title=title, outlet=f"outlet-{i % 97}",
                          published=f"{published.isoformat()}T{int(self.rng.integers(0, 24)):02d}:00:00+00:00",
                          content_hash=hashlib.sha256(f"raw-{i}".encode()).hexdigest(),
                          body_hash=hashlib.sha256(body.encode()).hexdigest())
        sentences, offset = [], 0
        for line in body.split("\n"):
            sentences.append(Sentence(offset, offset + len(line), line))
            offset += len(line) + 1
        names = list(story.actors)
        if self.rng.random() < 0.5:  # a noise entity the article mentions in passing
            names.append(int(self.rng.choice(len(self.actors), p=self.actor_p)))
        mentions, entities = [], []
        for k, actor in enumerate(names):
            eid = self.actors[actor]
            entities.append(Entity(eid, f"Actor {actor}", "PERSON"))
            times = 1 + int(self.rng.integers(0, 4)) if k < len(story.actors) else 1
            for t in range(times):
                s = sentences[min(t * 2 + (k > 0), len(sentences) - 1)]
                mentions.append(Mention(f"Actor {actor}", s.start, s.start + 1, eid))
        events = []
        if self.rng.random() < 0.8:
            first = sentences[0]
            a1, a2 = story.actors[0], story.actors[1] if len(story.actors) > 1 else None
            events.append(Event(story.plover, f"Actor {a1}", first.text, first.start, first.end,
                                actor2=f"Actor {a2}" if a2 is not None else None,
                                actor1_entity_id=self.actors[a1],
                                actor2_entity_id=self.actors[a2] if a2 is not None else None,
                                date=story.day.isoformat() if self.rng.random() < 0.85 else None))
        extraction = ArticleExtraction(aid, True, sentences=sentences, mentions=mentions, entities=entities,
                                       events=events)
        return article, extraction


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    from newsweave.store import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="articles in the stream")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--db", type=Path, help="store file (default: a temporary one, removed afterwards)")
    ap.add_argument("--batch", type=int, default=1,
                    help="articles per write transaction (1 = as the pipeline does; more saves commit time only)")
    args = ap.parse_args()

    checkpoints = [c for c in (1_000, 10_000, 100_000) if c <= args.n] or [args.n]
    if args.n not in checkpoints:
        checkpoints.append(args.n)
    tmp = tempfile.TemporaryDirectory(prefix="stream-")
    db = args.db or Path(tmp.name) / "stream.db"
    store = Store(db)
    times: list[float] = []
    commits: list[float] = []
    candidates: list[float] = []
    truth: dict[str, int] = {}
    duplicates = 0
    start = time.perf_counter()
    print(f"stream of {args.n} synthetic articles (seed {args.seed}) into {db}")
    tx = None
    for i, (article, extraction, story) in enumerate(Generator(args.n, args.seed).articles(), 1):
        raw = RawDocument(article.path, "txt", b"", article.body)
        if tx is None:
            store.conn.execute("BEGIN IMMEDIATE")
            tx = store.conn
        store.save_article(article, raw, extraction, conn=tx)
        t0 = time.perf_counter()
        assignment = cluster.assign(store, article, extraction, tx)
        times.append(time.perf_counter() - t0)
        if i % args.batch == 0 or i == args.n:
            t0 = time.perf_counter()
            store.conn.execute("COMMIT")
            commits.append(time.perf_counter() - t0)
            tx = None
        candidates.append(assignment.scores.get("candidates", 0.0))
        duplicates += assignment.duplicate_of is not None
        truth[article.id] = story
        if i in checkpoints:
            window = times[-max(100, i // 10):]
            cand = candidates[-max(100, i // 10):]
            print(f"{i:>7} stored: assign mean {statistics.mean(window) * 1000:6.2f} ms, "
                  f"p50 {percentile(window, 0.5) * 1000:6.2f} ms, p99 {percentile(window, 0.99) * 1000:6.2f} ms "
                  f"(last {len(window)}; {statistics.mean(cand):.1f} candidate stories each); "
                  f"elapsed {time.perf_counter() - start:.0f}s", flush=True)
    if tx is not None:
        store.conn.execute("COMMIT")
    print(f"commit: mean {statistics.mean(commits) * 1000:.2f} ms per transaction of {args.batch} article(s) "
          "(not part of the assignment time)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of the process): {peak_mb:.0f} MB; store file {db.stat().st_size / 1e6:.0f} MB")

    pred = store.partition()
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_true: dict[int, set[str]] = defaultdict(set)
    for aid, sid in pred.items():
        by_pred[sid].add(aid)
        by_true[truth[aid]].add(aid)
    p = statistics.mean(len(by_pred[pred[a]] & by_true[truth[a]]) / len(by_pred[pred[a]]) for a in pred)
    r = statistics.mean(len(by_pred[pred[a]] & by_true[truth[a]]) / len(by_true[truth[a]]) for a in pred)
    print(f"sanity: {len(by_pred)} stories for {len(by_true)} true stories; BCubed P {p:.3f} R {r:.3f} "
          f"F1 {2 * p * r / (p + r):.3f}; {duplicates} near-duplicates linked")
    store.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
