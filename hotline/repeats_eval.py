"""`python -m hotline.repeats_eval`: precision and recall of the repeat detector.

Reads the labelled pairs in tests/data/repeat_pairs.jsonl (written by hand: 40 repeats —
the same matter from another caller in other words — and 40 non-repeats in the same
district: 20 other matters, 20 the same kind of matter at another place) and prints the
figures at the profile threshold, plus each misjudged pair with --verbose.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.policy.repeats import DEFAULT_REPEATS
from hotline.similarity import features, score

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "repeat_pairs.jsonl"


@dataclass(frozen=True)
class Figures:
    """Confusion counts of the detector on a labelled set."""

    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        """Flagged pairs that are repeats."""
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Repeats that are flagged."""
        repeats = self.true_pos + self.false_neg
        return self.true_pos / repeats if repeats else 1.0


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    """The labelled pairs, one JSON object per line."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def pair_score(pair: dict[str, Any]) -> float:
    """The detector's score for one pair (both tickets are in the pair's district)."""
    a, b, district = pair["a"], pair["b"], pair["district"]
    return score(
        features(a["content"], a["address"], district),
        features(b["content"], b["address"], district),
    )


def evaluate(pairs: list[dict[str, Any]], threshold: float) -> Figures:
    """Confusion counts at `threshold` (a score at or above it flags a possible repeat)."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for pair in pairs:
        flagged = pair_score(pair) >= threshold
        repeat = pair["label"] == "repeat"
        key = ("t" if flagged == repeat else "f") + ("p" if flagged else "n")
        counts[key] += 1
    return Figures(counts["tp"], counts["fp"], counts["fn"], counts["tn"])


def main(argv: list[str] | None = None) -> None:
    """Print precision and recall at the threshold (default: the profiles' default)."""
    parser = argparse.ArgumentParser(prog="python -m hotline.repeats_eval")
    parser.add_argument("--threshold", type=float, default=DEFAULT_REPEATS.similarity)
    parser.add_argument("--verbose", action="store_true", help="print every misjudged pair")
    args = parser.parse_args(argv)
    pairs = load_pairs()
    figures = evaluate(pairs, args.threshold)
    print(
        f"{len(pairs)} pairs, threshold {args.threshold}: precision {figures.precision:.2f}, "
        f"recall {figures.recall:.2f} (tp {figures.true_pos}, fp {figures.false_pos}, "
        f"fn {figures.false_neg}, tn {figures.true_neg})"
    )
    for kind in sorted({p["kind"] for p in pairs}):
        of_kind = [p for p in pairs if p["kind"] == kind]
        flagged = sum(pair_score(p) >= args.threshold for p in of_kind)
        print(f"  {kind}: {flagged}/{len(of_kind)} flagged")
    if args.verbose:
        for pair in pairs:
            value = pair_score(pair)
            if (value >= args.threshold) != (pair["label"] == "repeat"):
                print(
                    f"  #{pair['id']} {pair['label']} {value:.3f}: "
                    f"{pair['a']['content']} | {pair['b']['content']}"
                )


if __name__ == "__main__":
    main()
