"""spaCy's attribute ruler, the same rules applied without the Matcher: a tenth of the parse time.

The English pipelines' ``attribute_ruler`` maps tags to coarse POS and morphology and fixes
exceptions (about 180 one- and two-token rules). spaCy applies them with a ``Matcher`` whose
``IN``/``NOT_IN``/``REGEX`` conditions are Python callbacks tried at every token: 5.4 ms of an
article's 56 ms parse (bench/throughput.py measures the parse), 0.8 ms here (one process, 200
generated articles). :class:`AttributeRules` applies the same rules from hash tables: each rule
is looked up by its most selective condition (a word form before a tag) and only then checked in
full, so a token costs a few dictionary lookups. The result is the same as the ruler's, token
for token (``tests/test_attribute_rules.py`` compares every attribute on the seeds and the
sample corpus); a ruler holding a rule this module does not understand (quantifiers, fuzzy
matching, ...) is left in place.

Semantics kept: every rule is matched against the tokens as they were before any rule applied;
then the matches are applied in rule order, so a later rule wins where two set one attribute.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

from newsweave.extract.nlp import replace_component

# pattern key -> the token attribute holding it (the Matcher compares the same values)
_ATTRIBUTES: dict[str, str] = {
    "TAG": "tag_",
    "LOWER": "lower_",
    "DEP": "dep_",
    "ORTH": "text",
    "TEXT": "text",
    "POS": "pos_",
    "LEMMA": "lemma_",
    "NORM": "norm_",
    "IS_SPACE": "is_space",
    "IS_PUNCT": "is_punct",
}


@dataclass(frozen=True)
class _Condition:
    key: str
    op: str  # "eq", "in", "not_in", "regex"
    value: Any

    def holds(self, value: Any) -> bool:
        if self.op == "eq":
            return bool(value == self.value)
        if self.op == "in":
            return value in self.value
        if self.op == "not_in":
            return value not in self.value
        return _search(self.value, value)


@lru_cache(maxsize=16384)
def _search(pattern: re.Pattern[str], value: str) -> bool:
    """A regex condition tried at every token sees the same few thousand word forms again."""
    return pattern.search(value) is not None


# How many tokens a condition on this key lets through, roughly: a word form is rarer than a tag,
# a tag than a coarse POS or a dependency label. Ties in set size pick the rarer key as anchor.
_KEY_BREADTH = {"TAG": 20, "POS": 50, "DEP": 50, "IS_SPACE": 1000, "IS_PUNCT": 1000}


@dataclass(frozen=True)
class _Rule:
    order: int  # the ruler's rule number: later rules win
    index: int  # which token of the match gets the attributes (may be negative)
    tokens: tuple[tuple[_Condition, ...], ...]


def _condition(key: str, spec: Any) -> _Condition | None:
    if key not in _ATTRIBUTES:
        return None
    if not isinstance(spec, dict):
        return _Condition(key, "eq", spec) if isinstance(spec, str | bool) else None
    if len(spec) != 1:
        return None
    (op, value), = spec.items()
    if op == "IN" and isinstance(value, list):
        return _Condition(key, "in", frozenset(value))
    if op == "NOT_IN" and isinstance(value, list):
        return _Condition(key, "not_in", frozenset(value))
    if op == "REGEX" and isinstance(value, str) and key not in ("IS_SPACE", "IS_PUNCT"):
        return _Condition(key, "regex", re.compile(value))
    return None


class AttributeRules:
    """The rules of one ``AttributeRuler``, indexed for lookup; ``from_ruler`` returns None when a
    rule uses something not supported here (then keep the ruler)."""

    def __init__(self, ruler: AttributeRuler, rules: list[_Rule]) -> None:
        self.attrs = ruler.attrs  # normalised attribute dicts, by rule number
        self.keys = sorted({c.key for r in rules for tok in r.tokens for c in tok})
        # key -> value of one needed condition on it -> [(rule, position of that condition's
        # token, whether that condition is the rule's only one: then the lookup itself is the match)]
        self.anchored_by_key: dict[str, dict[Any, list[tuple[_Rule, int, bool]]]] = {}
        self.unanchored: list[_Rule] = []  # no equality or IN condition: tried at every token
        for rule in rules:
            anchor = self._anchor(rule)
            if anchor is None:
                self.unanchored.append(rule)
                continue
            position, condition = anchor
            alone = len(rule.tokens) == 1 and len(rule.tokens[0]) == 1
            values = [condition.value] if condition.op == "eq" else sorted(condition.value, key=repr)
            by_value = self.anchored_by_key.setdefault(condition.key, {})
            for value in values:
                by_value.setdefault(value, []).append((rule, position, alone))

    @staticmethod
    def _anchor(rule: _Rule) -> tuple[int, _Condition] | None:
        """The most selective needed condition: the fewest values (an equality is one) on the
        rarest key; an anchor that lets many tokens through makes every one of them a full check."""
        best: tuple[int, int, _Condition] | None = None
        for position, conditions in enumerate(rule.tokens):
            for c in conditions:
                size = 1 if c.op == "eq" else len(c.value) if c.op == "in" else None
                if size is None:
                    continue
                breadth = size * _KEY_BREADTH.get(c.key, 1)
                if best is None or breadth < best[0]:
                    best = (breadth, position, c)
        return (best[1], best[2]) if best else None

    @classmethod
    def from_ruler(cls, ruler: AttributeRuler) -> AttributeRules | None:
        rules: list[_Rule] = []
        for order, (pattern_spec, index) in enumerate(zip(ruler.patterns, ruler.indices, strict=True)):
            for token_patterns in pattern_spec["patterns"]:
                if not isinstance(token_patterns, list) or not token_patterns:
                    return None
                tokens = []
                for spec in token_patterns:
                    if not isinstance(spec, dict) or not spec:
                        return None
                    conditions = tuple(_condition(k, v) for k, v in spec.items())
                    if any(c is None for c in conditions):
                        return None  # e.g. an OP quantifier or a FUZZY match
                    tokens.append(tuple(c for c in conditions if c is not None))
                rules.append(_Rule(order, index, tuple(tokens)))
        return cls(ruler, rules)

    def _matches(self, rule: _Rule, start: int, columns: dict[str, list[Any]], n_tokens: int) -> bool:
        if start < 0 or start + len(rule.tokens) > n_tokens:
            return False
        return all(c.holds(columns[c.key][start + p]) for p, conds in enumerate(rule.tokens) for c in conds)

    def __call__(self, doc: Doc) -> Doc:
        tokens = list(doc)
        n = len(tokens)
        # every value is read before any rule writes, as the Matcher matches before the ruler sets;
        # a column per pattern key, read in one pass each
        columns = {key: list(map(attrgetter(_ATTRIBUTES[key]), tokens)) for key in self.keys}
        hits: set[tuple[int, int]] = set()  # (rule order, target token)
        for key, by_value in self.anchored_by_key.items():
            for i, value in enumerate(columns[key]):
                for rule, position, alone in by_value.get(value, ()):
                    start = i - position
                    if alone or self._matches(rule, start, columns, n):
                        hits.add((rule.order, self._target(rule, start, n)))
        for rule in self.unanchored:
            if len(rule.tokens) == 1 and len(rule.tokens[0]) == 1:  # one condition on one token
                condition = rule.tokens[0][0]
                hits.update((rule.order, self._target(rule, i, n))
                            for i, value in enumerate(columns[condition.key]) if condition.holds(value))
                continue
            hits.update((rule.order, self._target(rule, i, n))
                        for i in range(n) if self._matches(rule, i, columns, n))
        for order, target in sorted(hits):
            set_token_attrs(tokens[target], self.attrs[order])
        return doc

    @staticmethod
    def _target(rule: _Rule, start: int, n_tokens: int) -> int:
        end = start + len(rule.tokens)
        target = start + rule.index if rule.index >= 0 else end + rule.index
        if not start <= target < end:
            raise ValueError(f"attribute rule {rule.order}: token index {rule.index} outside its match")
        return target


@Language.factory("newsweave_attribute_rules")
def make_attribute_rules(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Built from the pipeline's ``attribute_ruler`` (added next to it, before it is removed)."""
    rules = AttributeRules.from_ruler(nlp.get_pipe("attribute_ruler"))
    if rules is None:
        raise ValueError("the attribute ruler has rules newsweave_attribute_rules cannot apply")
    return rules


def use_attribute_rules(nlp: Language) -> bool:
    """Swap the pipeline's ``attribute_ruler`` for :class:`AttributeRules` when every rule is
    supported (the factory refuses a ruler it cannot apply); True if swapped."""
    return replace_component(nlp, "attribute_ruler", "newsweave_attribute_rules")
