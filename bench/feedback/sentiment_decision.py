#!/usr/bin/env python3
"""Trains the decision that turns the sentiment lexicon's evidence into a label.

    python3 bench/feedback/sentiment_decision.py [--write]

The decision is a multinomial logistic regression (positive, negative, neutral, mixed) over the
figures `Evidence::features` gives (crates/vouch-insight/src/sentiment/decision.rs). The script

1. reruns itself inside bench/.venv, pip-installing scikit-learn there if it is missing;
2. keeps the rows of bench/feedback/labelled.jsonl and bench/feedback/sentiment_tune.jsonl whose
   split is `dev` or `tune` (the `test` and `extra` rows are never read) and runs the release
   example `sentiment_features` of vouch-insight on them;
3. chooses the L2 regularisation by repeated stratified 5-fold cross-validation on those rows,
   printing the cross-validated accuracy of each strength beside that of the former hand-set
   thresholds;
4. fits the chosen strength on every training row and, with --write, writes the weights (the
   standardisation folded in) to crates/vouch-insight/src/sentiment/weights.rs.

Regenerate the weights after any change to the lexicons or to the features with
`python3 bench/feedback/sentiment_decision.py --write`, then run `sentiment_vs_vader.py`.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
VENV = os.path.join(BENCH, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
FILES = ["labelled.jsonl", "sentiment_tune.jsonl"]
TRAIN_SPLITS = {"dev", "tune"}
LABELS = ["positive", "negative", "neutral", "mixed"]  # SentimentLabel::ALL's order
WEIGHTS_RS = os.path.join(ROOT, "crates", "vouch-insight", "src", "sentiment", "weights.rs")
STRENGTHS = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]


def ensure_venv():
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    has = subprocess.run([VENV_PYTHON, "-c", "import sklearn"], capture_output=True).returncode == 0
    if not has:
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "scikit-learn"], check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])


def training_rows():
    rows = []
    for name in FILES:
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    if row["split"] in TRAIN_SPLITS:
                        rows.append(row)
    return rows


def features(rows):
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "vouch-insight", "--example", "sentiment_features"],
        cwd=ROOT,
        check=True,
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "examples", "sentiment_features")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    try:
        out = subprocess.run([binary, handle.name], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    lines = [json.loads(line) for line in out.splitlines()]
    names = lines[0]["names"]
    by_id = {line["id"]: line for line in lines[1:]}
    return names, [by_id[row["id"]] for row in rows]


def rule_label(evidence):
    """The former hand-set thresholds, for comparison."""
    mixed = 0.5 if evidence["contrasted"] else 0.9
    if evidence["most_positive"] >= mixed and -evidence["most_negative"] >= mixed:
        return "mixed"
    if abs(evidence["total"]) < 0.9 or evidence["strongest"] < 0.9:
        return "neutral"
    return "positive" if evidence["total"] > 0 else "negative"


def cross_validate(x, y, groups):
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RepeatedStratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=4, random_state=7)
    results = {}
    for strength in STRENGTHS:
        scores = []
        for train, held in folds.split(x, groups):
            model = make_pipeline(StandardScaler(), LogisticRegression(C=strength, max_iter=5000))
            model.fit(x[train], y[train])
            scores.append(np.mean(model.predict(x[held]) == y[held]))
        results[strength] = (float(np.mean(scores)), float(np.std(scores)))
    return results


def fit(x, y, strength):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(C=strength, max_iter=5000).fit((x - mean) / std, y)
    order = [list(model.classes_).index(label) for label in range(len(LABELS))]
    weights = model.coef_[order] / std
    bias = model.intercept_[order] - (model.coef_[order] * mean / std).sum(axis=1)
    return np.asarray(weights), np.asarray(bias)


def literal(value):
    """The shortest Rust literal that reads back as the same f32."""
    import numpy as np

    text = np.format_float_positional(np.float32(value), unique=True, trim="0")
    return text if "." in text else text + ".0"


def write_weights(names, weights, bias, strength, n):
    rows = []
    for label, w in zip(LABELS, weights):
        cells = "\n".join(f"        {literal(v)}, // {name}" for v, name in zip(w, names))
        rows.append(f"    // {label}\n    [\n{cells}\n    ],")
    text = f"""//! The weights of the sentiment decision, written by `bench/feedback/sentiment_decision.py
//! --write`: a multinomial logistic regression (L2, C = {strength}, chosen by cross-validation)
//! fitted on the {n} `dev` and `tune` comments of `bench/feedback/labelled.jsonl` and
//! `bench/feedback/sentiment_tune.jsonl`. Do not edit by hand: rerun the script after changing
//! the lexicons or the features.

use super::decision::FEATURES;

/// Each label's bias, in `SentimentLabel::ALL`'s order.
pub(super) const BIAS: [f32; 4] = [{", ".join(literal(b) for b in bias)}];

/// Each label's weight for each feature (`FEATURE_NAMES`' order), in `SentimentLabel::ALL`'s order.
#[rustfmt::skip]
pub(super) const WEIGHTS: [[f32; FEATURES]; 4] = [
{chr(10).join(rows)}
];
"""
    with open(WEIGHTS_RS, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ensure_venv()
    import numpy as np

    rows = training_rows()
    names, found = features(rows)
    x = np.array([line["features"] for line in found], dtype=np.float64)
    y = np.array([LABELS.index(row["sentiment"]) for row in rows])
    groups = np.array([f"{row['lang']}-{row['sentiment']}" for row in rows])
    rule = np.array([LABELS.index(rule_label(line["evidence"])) for line in found])
    print(f"{len(rows)} training comments (dev + tune), {x.shape[1]} features")
    for split in sorted(TRAIN_SPLITS):
        mask = np.array([row["split"] == split for row in rows])
        print(f"  former thresholds on {split}: {100 * np.mean(rule[mask] == y[mask]):.1f} %")
    print(f"  former thresholds on dev + tune: {100 * np.mean(rule == y):.1f} %")
    results = cross_validate(x, y, groups)
    for strength, (mean, std) in results.items():
        print(f"  C = {strength:<5}  cross-validated accuracy {100 * mean:.1f} % (± {100 * std:.1f})")
    best = max(results, key=lambda s: results[s][0])
    weights, bias = fit(x, y, best)
    learned = np.argmax(x @ weights.T + bias, axis=1)
    print(f"chosen C = {best}; fitted on every training row: {100 * np.mean(learned == y):.1f} %")
    if "--write" in sys.argv[1:]:
        write_weights(names, weights, bias, best, len(rows))
        print(f"wrote {os.path.relpath(WEIGHTS_RS, ROOT)}")


if __name__ == "__main__":
    main()
