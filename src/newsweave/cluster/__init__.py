"""Stage 4, cluster: group articles that report the same real-world event into stories.

``assign`` is called by the pipeline for every new article inside its write transaction;
``recluster`` rebuilds every story from scratch; ``features`` is the pure per-article view.
Near-duplicates (syndicated or lightly edited copies) join their original's story with
``duplicate_of`` set, so later stages count them as one source.
"""

from newsweave.cluster.engine import DEFAULT_CONFIG, Candidate, ClusterConfig, assign, score_story
from newsweave.cluster.featurize import ArticleFeatures, features, tokenize
from newsweave.cluster.recluster import Move, ReclusterResult, compare_partitions, recluster

__all__ = [
    "DEFAULT_CONFIG",
    "ArticleFeatures",
    "Candidate",
    "ClusterConfig",
    "Move",
    "ReclusterResult",
    "assign",
    "compare_partitions",
    "features",
    "recluster",
    "score_story",
    "tokenize",
]
