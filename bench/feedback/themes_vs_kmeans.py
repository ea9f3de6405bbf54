#!/usr/bin/env python3
"""Vouch's theme discovery against TF-IDF + k-means on the labelled comments.

    python3 bench/feedback/themes_vs_kmeans.py [--data FILE] [--speed N]

Run from the repository root. Creates bench/.venv on first run (pip install scikit-learn),
builds and runs the release example `themes_eval` (set CARGO_TARGET_DIR as usual), and in the
same run scikit-learn's TfidfVectorizer + KMeans(n_clusters = the true number of themes,
n_init=10, random_state=0) on the same texts. Vouch is not told the number of themes.
Prints purity and NMI (normalized_mutual_info_score) of both on all/dev/test, Vouch's coverage
(share of comments given a theme; an unthemed comment counts in a cluster "none" of its own),
the number of themes found, and the speed figures: discovery over N synthetic comments
(default 1 000 000) and microseconds per matched comment.
"""
import json
import os
import subprocess
import sys
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.join(ROOT, "bench", ".venv")
VENV_PY = os.path.join(VENV, "bin", "python")


def ensure_venv():
    """Re-runs this script inside bench/.venv, creating it with scikit-learn if missing."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PY):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV_PY, "-m", "pip", "install", "--quiet", "scikit-learn"], check=True)
    os.execv(VENV_PY, [VENV_PY, os.path.abspath(__file__), *sys.argv[1:]])


def args():
    data = os.path.join(ROOT, "bench", "feedback", "labelled.jsonl")
    speed = 1_000_000
    argv = sys.argv[1:]
    for at, arg in enumerate(argv):
        if arg == "--data":
            data = argv[at + 1]
        if arg == "--speed":
            speed = int(argv[at + 1])
    return data, speed


def example(*extra):
    """Builds (once) and runs the release example; returns its stdout lines and stderr."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "vouch-insight", "--example", "themes_eval"],
        cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "examples", "themes_eval")
    done = subprocess.run([binary, *extra], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.splitlines(), done.stderr


def purity(truth, clusters):
    by_cluster = {}
    for t, c in zip(truth, clusters):
        by_cluster.setdefault(c, Counter())[t] += 1
    return sum(max(counts.values()) for counts in by_cluster.values()) / len(truth)


def main():
    ensure_venv()
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score as nmi

    data, speed = args()
    rows = [json.loads(line) for line in open(data, encoding="utf-8") if line.strip()]
    texts = [row["text"] for row in rows]
    truth = [row["theme"] for row in rows]
    k = len(set(truth))

    lines, themes_text = example(data)
    vouch_by_id = {}
    for line in lines:
        item = json.loads(line)
        vouch_by_id[item["id"]] = item["theme"]
    vouch = [("none" if vouch_by_id[row["id"]] is None else vouch_by_id[row["id"]]) for row in rows]
    found = int(themes_text.split()[0])

    tfidf = TfidfVectorizer().fit_transform(texts)
    kmeans = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(tfidf).tolist()

    print(f"{len(rows)} comments, {k} true themes; Vouch found {found} themes (not told {k})")
    print(f"{'split':6} {'n':>4}  {'vouch purity':>12} {'vouch NMI':>9} {'coverage':>8}"
          f"  {'k-means purity':>14} {'k-means NMI':>11}")
    for split in ("all", "dev", "test"):
        at = [i for i, row in enumerate(rows) if split == "all" or row["split"] == split]
        t = [truth[i] for i in at]
        v = [vouch[i] for i in at]
        km = [kmeans[i] for i in at]
        coverage = sum(1 for c in v if c != "none") / len(at)
        print(f"{split:6} {len(at):>4}  {purity(t, v):>12.3f} {nmi(t, v):>9.3f} {coverage:>8.3f}"
              f"  {purity(t, km):>14.3f} {nmi(t, km):>11.3f}")
    print("Vouch's themes (index, label, keywords as lang:word):")
    for line in themes_text.splitlines()[1:]:
        print(("" if line.startswith("ids:") else "  ") + line)

    if speed > 0:
        lines, _ = example(data, "--speed", str(speed))
        figures = json.loads(lines[-1])
        print(f"speed: discovery over {figures['comments']:,} comments {figures['discover_s']:.2f} s"
              f" ({figures['themes']} themes); matching {figures['match_us_per_comment']:.2f} µs"
              f" per comment ({figures['themed_share']:.1%} themed)")


if __name__ == "__main__":
    main()
