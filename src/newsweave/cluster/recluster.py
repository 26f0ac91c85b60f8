"""Re-clustering from scratch: clear the stories and the index, assign every article again.

Articles are replayed in a canonical order (publication time, then id) that does not depend on
the order they were ingested in, so two stores holding the same articles recluster to the same
partition. A new story takes the previous id of its founding article's story when that id is
still free, so ids survive a recluster wherever the stories do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsweave.cluster.engine import ClusterConfig, assign
from newsweave.store import Store

BATCH = 200  # articles per write transaction while replaying


@dataclass
class Move:
    article_id: str
    before: str | None  # story id before the recluster (None: was not assigned)
    after: str


@dataclass
class ReclusterResult:
    articles: int
    stories_before: int
    stories_after: int
    same_partition: bool  # the same groups of articles as before (whatever their ids)
    moved: list[Move] = field(default_factory=list)  # articles whose story id changed
    retired: list[str] = field(default_factory=list)  # story ids that no longer exist
    created: list[str] = field(default_factory=list)  # story ids that did not exist before

    def summary(self) -> str:
        if self.same_partition and not self.moved:
            return (f"reclustered {self.articles} article(s): the same {self.stories_after} stories as before, "
                    "same ids")
        text = (f"reclustered {self.articles} article(s): {self.stories_before} -> {self.stories_after} stories; "
                f"{len(self.moved)} article(s) changed story")
        if self.same_partition:
            text += " (same groups, renamed)"
        return text


def _order_key(published: str | None, article_id: str) -> tuple[str, str]:
    """Publication instant in UTC where parseable (else as written; undated last), then id."""
    if not published:
        return ("~", article_id)
    try:
        moment = datetime.fromisoformat(published)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return (moment.isoformat(), article_id)
    except ValueError:
        return (published, article_id)


def replay_order(store: Store, page: int = 1000) -> list[str]:
    keys = []
    offset = 0
    while True:
        rows = store.articles(limit=page, offset=offset)
        if not rows:
            break
        keys.extend(_order_key(a.published, a.id) for a in rows)
        offset += len(rows)
    return [aid for _, aid in sorted(keys)]


def recluster(
    store: Store,
    *,
    config: ClusterConfig | None = None,
    order: Sequence[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReclusterResult:
    """Clear and reassign all stored articles in a canonical order; report what moved.

    ``order`` replays the articles in another order instead (benchmarks use it to simulate
    incremental ingestion in a shuffled order without extracting again).
    """
    before = store.partition()
    order = list(order) if order is not None else replay_order(store)
    store.clear_stories()
    for start in range(0, len(order), BATCH):
        with store.transaction() as tx:
            for aid in order[start:start + BATCH]:
                article = store.article(aid)
                if article is None:
                    continue
                old = before.get(aid)
                assign(store, article, store.extraction(aid), tx, config=config, new_story_id=old)
        if on_progress:
            on_progress(min(start + BATCH, len(order)), len(order))
    after = store.partition()
    return compare_partitions(before, after)


def compare_partitions(before: dict[str, str], after: dict[str, str]) -> ReclusterResult:
    """What changed between two article -> story assignments."""
    def groups(p: dict[str, str]) -> set[frozenset[str]]:
        by_story: dict[str, set[str]] = defaultdict(set)
        for aid, sid in p.items():
            by_story[sid].add(aid)
        return {frozenset(g) for g in by_story.values()}

    moved = [Move(aid, before.get(aid), sid) for aid, sid in sorted(after.items()) if before.get(aid) != sid]
    old_ids, new_ids = set(before.values()), set(after.values())
    return ReclusterResult(
        articles=len(after),
        stories_before=len(old_ids),
        stories_after=len(new_ids),
        same_partition=groups({a: s for a, s in before.items() if a in after}) == groups(after),
        moved=moved,
        retired=sorted(old_ids - new_ids),
        created=sorted(new_ids - old_ids),
    )
