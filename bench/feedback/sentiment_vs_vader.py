#!/usr/bin/env python3
"""Vouch's comment sentiment against VADER on a labelled set, in one run.

    python3 bench/feedback/sentiment_vs_vader.py [FILE ...] [--speed N]

FILE defaults to bench/feedback/labelled.jsonl, bench/feedback/sentiment_tune.jsonl and
bench/feedback/sentiment_extra.jsonl (one JSON object a line: id, lang, sentiment in
positive|negative|neutral|mixed, split dev|tune|test|extra, text); the tune set is a second set
for tuning, the extra set was written apart from the labelled one, as a second held-out check.
The script

1. creates bench/.venv if it is missing and pip-installs vaderSentiment into it, then reruns
   itself with that interpreter;
2. builds the release example `sentiment_eval` of vouch-insight (honours CARGO_TARGET_DIR) and
   runs it twice: with each comment's language given, and with the language left to guess;
3. runs VADER (compound >= 0.05 positive, <= -0.05 negative, else neutral) on the same texts;
4. prints accuracy per language and split, then Vouch's throughput on N comments (default
   1 000 000, cycling the first file, one thread).

Two accuracies are printed, because VADER has no "mixed" label:
- 4-class: the label must equal the gold one; VADER necessarily misses every mixed comment.
- 3-class: only comments whose gold label is positive, negative or neutral; a "mixed" answer
  from Vouch is replaced by the sign of its score, with VADER's thresholds. Both models answer
  from the same three labels on the same comments.
VADER is English-only, so its figures are given for English alone.
"""

import json
import os
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
VENV = os.path.join(BENCH, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
LANGS = ["en", "fr", "de", "es"]
SPLITS = ["dev", "tune", "test", "extra", "all"]
DEFAULT_FILES = ["labelled.jsonl", "sentiment_tune.jsonl", "sentiment_extra.jsonl"]


def ensure_venv():
    """Reruns this script inside bench/.venv with vaderSentiment installed."""
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    has_vader = subprocess.run(
        [VENV_PYTHON, "-c", "import vaderSentiment"], capture_output=True
    ).returncode == 0
    if not has_vader:
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "vaderSentiment"], check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])


def arguments():
    paths, speed = [], 1_000_000
    args = sys.argv[1:]
    while args:
        arg = args.pop(0)
        if arg == "--speed":
            speed = int(args.pop(0))
        else:
            paths.append(arg)
    if not paths:
        paths = [os.path.join(HERE, name) for name in DEFAULT_FILES]
        paths = [path for path in paths if os.path.exists(path)]
    return paths, speed


def read_rows(paths):
    """The comments of every file, in order; the ids must not repeat."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    ids = [row["id"] for row in rows]
    if len(ids) != len(set(ids)):
        sys.exit("the same id appears twice in " + ", ".join(paths))
    return rows


def write_combined(rows):
    """One JSONL file holding every row, for the example binary to read."""
    import tempfile

    handle = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
    with handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return handle.name


def build_example():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "vouch-insight", "--example", "sentiment_eval"],
        cwd=ROOT,
        check=True,
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "sentiment_eval")


def run_vouch(binary, path, *flags):
    out = subprocess.run([binary, path, *flags], capture_output=True, text=True, check=True).stdout
    return {row["id"]: row for row in map(json.loads, out.splitlines())}


def vader_labels(rows):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return {row["id"]: by_sign(analyzer.polarity_scores(row["text"])["compound"]) for row in rows}


def by_sign(score):
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"


def three_class(label, score):
    return by_sign(score) if label == "mixed" else label


def tally(rows, answers):
    """{(lang, split): [four_ok, four_n, three_ok, three_n]} for one model's answers."""
    counts = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        label, score = answers[row["id"]]
        gold = row["sentiment"]
        for key in [(row["lang"], row["split"]), (row["lang"], "all"), ("all", row["split"]), ("all", "all")]:
            c = counts[key]
            c[0] += label == gold
            c[1] += 1
            if gold != "mixed":
                c[2] += three_class(label, score) == gold
                c[3] += 1
    return counts


def percent(ok, n):
    return f"{100 * ok / n:5.1f} %" if n else "    —  "


def print_table(tallies):
    names = list(tallies)
    header = f"{'lang':<5}{'split':<6}{'n':>4}  " + "  ".join(f"{name + ' 4-cl':>16}{'3-cl':>9}" for name in names)
    print(header)
    print("-" * len(header))
    for lang in LANGS + ["all"]:
        for split in SPLITS:
            cells = []
            n = 0
            for name in names:
                c = tallies[name].get((lang, split))
                if name.startswith("VADER") and lang != "en":
                    c = None
                if c is None:
                    cells.append(f"{'—':>16}{'—':>9}")
                    continue
                n = c[1]
                cells.append(f"{percent(c[0], c[1]):>16}{percent(c[2], c[3]):>9}")
            print(f"{lang:<5}{split:<6}{n:>4}  " + "  ".join(cells))


def main():
    ensure_venv()
    paths, speed = arguments()
    rows = read_rows(paths)
    combined = write_combined(rows)
    try:
        report(rows, combined, paths, speed)
    finally:
        os.unlink(combined)


def report(rows, path, paths, speed):
    binary = build_example()
    given = run_vouch(binary, path)
    guessed = run_vouch(binary, path, "--guess")
    vader = vader_labels(rows)
    tallies = {
        "Vouch": tally(rows, {i: (r["label"], r["score"]) for i, r in given.items()}),
        "Vouch guess-lang": tally(rows, {i: (r["label"], r["score"]) for i, r in guessed.items()}),
        "VADER": tally(rows, {i: (label, 0.0) for i, label in vader.items()}),
    }
    names = ", ".join(os.path.relpath(p, ROOT) for p in paths)
    print(f"Sentiment on {names}: {len(rows)} comments")
    print("4-cl: exact label (VADER has no 'mixed', so it misses every mixed comment).")
    print("3-cl: comments labelled positive/negative/neutral only; a 'mixed' answer from Vouch")
    print("      counts as the sign of its score (>= 0.05 positive, <= -0.05 negative, else neutral).")
    print("Vouch: language given from the file; guess-lang: language guessed from the text.")
    print("VADER (vaderSentiment, English-only): compound >= 0.05 positive, <= -0.05 negative.")
    print("tune: bench/feedback/sentiment_tune.jsonl, for tuning beside dev.")
    print("extra: bench/feedback/sentiment_extra.jsonl, written apart from the labelled set.")
    print()
    print_table(tallies)
    print()
    timed = paths[0]
    timing = subprocess.run([binary, timed, "--speed", str(speed)], capture_output=True, text=True, check=True)
    rate = json.loads(timing.stdout)["comments_per_second"]
    print(
        f"Vouch throughput: {rate:,.0f} comments/s (one thread, {speed:,} comments cycling "
        f"{os.path.relpath(timed, ROOT)}, language given)"
    )


if __name__ == "__main__":
    main()
