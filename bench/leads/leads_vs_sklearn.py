#!/usr/bin/env python3
"""Lead scoring: Vouch against scikit-learn on contacts drawn from a known model.

Draws N contacts (plan, region, seats, signed_up) whose chance of being a promoter follows a
known logistic model, imports their answers into a fresh SQLite database with `vouch import
responses`, learns the model with `vouch leads train --json`, and fits scikit-learn's
`LogisticRegression` (C = 1, the same L2 penalty) on the same features and the same five folds
(Vouch puts a contact in fold splitmix64(contact id) mod 5; the ids are read back from the
database). Prints both cross-validated AUCs and Brier scores, the time each took, and the
speed of `vouch leads score` on a file of leads against scikit-learn's `predict_proba`.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install numpy scikit-learn
    cargo build --release -p vouch-cli
    bench/.venv/bin/python bench/leads/leads_vs_sklearn.py --contacts 50000 --leads 1000000

Exits non-zero when the AUCs differ by 0.01 or more, or the Brier scores by 0.005 or more.
"""

import argparse
import csv
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

MASK = (1 << 64) - 1
PLANS = ["free", "starter", "pro", "enterprise"]
REGIONS = ["eu", "na", "apac", "latam"]
ANSWERED = dt.date(2026, 6, 1)


def splitmix_fold(contact_id, folds=5):
    """Vouch's fold of a contact: splitmix64 of its id, modulo the folds."""
    z = (contact_id + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return (z ^ (z >> 31)) % folds


def draw(contacts, seed):
    """Contacts and their latest answers, from a known model."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(len(PLANS), size=contacts, p=[0.4, 0.3, 0.2, 0.1])
    region = rng.choice(len(REGIONS), size=contacts)
    seats = np.round(rng.lognormal(2.5, 1.0, size=contacts))
    tenure = rng.integers(1, 1500, size=contacts)
    z = (-0.8 + np.array([0.0, 0.3, 0.8, 1.4])[plan] + np.array([0.0, 0.2, -0.3, 0.0])[region]
         + 0.15 * np.log1p(seats) + 0.0006 * tenure)
    promoter = rng.random(contacts) < 1.0 / (1.0 + np.exp(-z))
    score = np.where(promoter, rng.integers(9, 11, size=contacts), rng.integers(0, 9, size=contacts))
    return plan, region, seats, tenure, score


def write_answers(path, plan, region, seats, tenure, score):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "score", "created_at", "plan", "region", "seats", "signed_up"])
        for i in range(len(score)):
            signed = ANSWERED - dt.timedelta(days=int(tenure[i]))
            writer.writerow([f"c{i}", int(score[i]), ANSWERED.isoformat(), PLANS[plan[i]],
                             REGIONS[region[i]], int(seats[i]), signed.isoformat()])


def vouch(binary, database, *args):
    command = [binary, "--database-url", f"sqlite://{database}", *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout, time.perf_counter() - started


def design(plan, region, seats, tenure, rows):
    """Vouch's features: one indicator per value, numbers and days before the answer
    standardised on the training rows (population standard deviation)."""
    def standard(x):
        mean = x[rows].mean()
        sd = x[rows].std()
        return (x - mean) / sd
    columns = [np.eye(len(PLANS))[plan], np.eye(len(REGIONS))[region],
               standard(seats.astype(float))[:, None], standard(tenure.astype(float))[:, None]]
    return np.hstack(columns)


def sklearn_cross_validated(plan, region, seats, tenure, labels, folds):
    predictions = np.zeros(len(labels))
    started = time.perf_counter()
    for fold in range(5):
        train_rows = folds != fold
        x = design(plan, region, seats, tenure, train_rows)
        model = LogisticRegression(C=1.0, tol=1e-8, max_iter=1000)
        model.fit(x[train_rows], labels[train_rows])
        predictions[~train_rows] = model.predict_proba(x[~train_rows])[:, 1]
    x = design(plan, region, seats, tenure, np.ones(len(labels), dtype=bool))
    final = LogisticRegression(C=1.0, tol=1e-8, max_iter=1000).fit(x, labels)
    seconds = time.perf_counter() - started
    return roc_auc_score(labels, predictions), brier_score_loss(labels, predictions), seconds, final, x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--leads", type=int, default=200_000, help="leads in the scoring file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--vouch", default=os.environ.get("VOUCH_BIN", "target/release/vouch"))
    args = parser.parse_args()

    plan, region, seats, tenure, score = draw(args.contacts, args.seed)
    labels = score >= 9
    with tempfile.TemporaryDirectory() as folder:
        answers = os.path.join(folder, "answers.csv")
        database = os.path.join(folder, "vouch.db")
        write_answers(answers, plan, region, seats, tenure, score)
        _, import_seconds = vouch(args.vouch, database, "import", "responses", answers,
                                  "--survey", "Leads", "--create")
        output, train_seconds = vouch(args.vouch, database, "leads", "train", "--survey", "Leads", "--json")
        import json
        model = json.loads(output)
        with sqlite3.connect(database) as db:
            ids = dict(db.execute("SELECT external_id, id FROM contacts"))
        folds = np.array([splitmix_fold(ids[f"c{i}"]) for i in range(args.contacts)])
        auc, brier, sk_seconds, final, x = sklearn_cross_validated(plan, region, seats, tenure, labels, folds)

        leads_file = os.path.join(folder, "leads.csv")
        picks = np.arange(args.leads) % args.contacts
        with open(leads_file, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "plan", "region", "seats", "signed_up"])
            today = dt.date.today()
            for n, i in enumerate(picks):
                signed = today - dt.timedelta(days=int(tenure[i]))
                writer.writerow([n, PLANS[plan[i]], REGIONS[region[i]], int(seats[i]), signed.isoformat()])
        scored = os.path.join(folder, "scored.csv")
        _, score_seconds = vouch(args.vouch, database, "leads", "score", leads_file, "--survey", "Leads",
                                 "--output", scored)
        lead_x = x[picks]
        started = time.perf_counter()
        final.predict_proba(lead_x)
        sk_score_seconds = time.perf_counter() - started

    print(f"{args.contacts} contacts, {int(labels.sum())} promoters (import {import_seconds:.1f} s)")
    print(f"{'':12} {'AUC':>8} {'Brier':>8} {'train + 5-fold CV':>18}")
    print(f"{'Vouch':12} {model['auc']:8.5f} {model['brier']:8.5f} {train_seconds:16.2f} s  (CLI, incl. loading the index)")
    print(f"{'scikit-learn':12} {auc:8.5f} {brier:8.5f} {sk_seconds:16.2f} s  (features prepared)")
    print(f"scoring {args.leads} leads: Vouch {args.leads / score_seconds:,.0f} leads/s "
          f"(`vouch leads score`, CSV in and out, incl. start-up); "
          f"scikit-learn predict_proba {args.leads / sk_score_seconds:,.0f} leads/s (features prepared)")
    gap_auc, gap_brier = abs(model["auc"] - auc), abs(model["brier"] - brier)
    print(f"differences: AUC {gap_auc:.5f} (bar 0.01), Brier {gap_brier:.5f} (bar 0.005)")
    if gap_auc >= 0.01 or gap_brier >= 0.005:
        sys.exit(1)


if __name__ == "__main__":
    main()
