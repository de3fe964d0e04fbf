#!/usr/bin/python3
"""The list frontier on MovieLens-100k: how far any-rated P@10, liked P@10 and disliked@10 can be
pushed at once by the inputs the service has (a ranking score, the rating head's predicted rating), and what it
would take to reach the goal (any >= 0.42, liked >= 0.33, disliked <= 0.02).

    /usr/bin/python3 frontier.py --ratings PATH/u.data --recsys PATH/recsys [--quick]

The split and the metrics are the service's (`recsys evaluate --per-user 0.25 --seed 42`), re-implemented here so
that scores the service cannot compute can be judged the same way; the popularity row is checked against recsys'
own and the script exits 1 if they differ. The rating head is the service's: `recsys train --no-ranking` on the
training part, `recsys predict` for every user x item pair. numpy + scipy only; temporary files in a tempdir.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings

import numpy as np
from scipy import sparse
from scipy.stats import mannwhitneyu

GOAL_ANY, GOAL_LIKED, GOAL_DISLIKED = 0.42, 0.33, 0.02
LIKED, DISLIKED = 4, 2  # thresholds on the 1-5 scale, as recsys evaluate's defaults
K = 10
TOLERANCE = 1e-4


# ---------------------------------------------------------------------------------------------------- data and split

class Split:
    """Dense views of one per-user split: X training indicator, R training ratings, T test ratings (0 = none)."""

    def __init__(self, users, items, ratings, times, in_test, user_count, item_count):
        self.users, self.items, self.ratings, self.times, self.in_test = users, items, ratings, times, in_test
        self.user_count, self.item_count = user_count, item_count
        train = ~in_test
        self.X = np.zeros((user_count, item_count))
        self.X[users[train], items[train]] = 1
        self.R = np.zeros((user_count, item_count))
        self.R[users[train], items[train]] = ratings[train]
        self.T = np.zeros((user_count, item_count), np.int8)
        self.T[users[in_test], items[in_test]] = ratings[in_test]
        # Items no training rating mentions cannot be listed: no model knows them.
        self.known = self.X.sum(0) > 0


def intern(ids):
    """Dense indices in first-appearance order, as the service's RatingSet assigns them (ties in lists go to the lower one)."""
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind='stable')] = np.arange(len(first))
    return rank[inverse], len(first)


def round_half_away(x):
    # C#'s Math.Round(x, MidpointRounding.AwayFromZero) for x >= 0, without floor(x + 0.5)'s rounding of x + 0.5.
    whole = math.floor(x)
    return whole + (1 if x - whole >= 0.5 else 0)


def per_user_split(rows, fraction, seed):
    """PerUserSplit.Split: users in index order, one RandomState shuffling each user's rows (row order), the first
    round(n * fraction) to the test part, at most n - 1."""
    users, user_count = intern(rows[:, 0])
    items, item_count = intern(rows[:, 1])
    random = np.random.RandomState(seed)
    order = np.argsort(users, kind='stable')
    start = np.searchsorted(users[order], np.arange(user_count + 1))
    in_test = np.zeros(len(rows), bool)
    for u in range(user_count):
        own = order[start[u]:start[u + 1]].copy()
        held = min(round_half_away(len(own) * fraction), len(own) - 1)
        if held <= 0:
            continue
        random.shuffle(own)
        in_test[own[:held]] = True
    return Split(users, items, rows[:, 2].astype(float), rows[:, 3], in_test, user_count, item_count)


# ---------------------------------------------------------------------------------------------------- metrics

def list_metrics(split, scores):
    """(any-rated P@10, liked P@10, disliked@10) of the top 10 by score, as RankingMetrics/Evaluation: training items
    and unknown items excluded, ties to the lower item index; any and disliked over users with a test rating, liked
    over users with a test rating >= 4."""
    s = np.array(scores, dtype=np.float64)
    s[np.isnan(s)] = -np.inf
    s[split.X > 0] = -np.inf
    s[:, ~split.known] = -np.inf
    top = np.argsort(-s, axis=1, kind='stable')[:, :K]
    got = np.take_along_axis(split.T, top, 1)
    tested = (split.T > 0).any(1)
    liked_users = (split.T >= LIKED).any(1)
    any_p = ((got > 0).sum(1) / K)[tested].mean()
    liked_p = ((got >= LIKED).sum(1) / K)[liked_users].mean()
    disliked = (((got > 0) & (got <= DISLIKED)).sum(1) / K)[tested].mean()
    return any_p, liked_p, disliked


class Report:
    """Rows printed as they come, kept for the verdict. kind: 'honest' (inputs the service has at list time),
    'optimistic' (fitted on the test split) or 'oracle' (a rating head that saw the test ratings)."""

    def __init__(self):
        self.rows = []
        self.section_started = None

    def section(self, title):
        self.end_section()
        print(f'\n== {title}', flush=True)
        self.section_title, self.section_started = title, time.perf_counter()

    def end_section(self):
        if self.section_started is not None:
            print(f'   ({time.perf_counter() - self.section_started:.1f} s)', flush=True)
        self.section_started = None

    def row(self, name, figures, kind='honest'):
        any_p, liked_p, disliked = figures
        met = any_p >= GOAL_ANY and liked_p >= GOAL_LIKED and disliked <= GOAL_DISLIKED
        self.rows.append((name, kind, any_p, liked_p, disliked))
        print(f'  {name:44s} any {any_p:.4f}  liked {liked_p:.4f}  disliked {disliked:.4f}{"  GOAL" if met else ""}',
              flush=True)

    def note(self, text):
        print(f'  {text}', flush=True)


# ---------------------------------------------------------------------------------------------------- the service

def run(command, log):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(log, 'a') as f:
        f.write(' '.join(command) + '\n' + result.stdout + '\n')
    if result.returncode != 0:
        sys.exit(f'{" ".join(command)} failed ({result.returncode}); output in {log}:\n{result.stdout[-2000:]}')
    return result.stdout


def recsys_evaluate(recsys, ratings, fraction, seed, log):
    out = run([recsys, 'evaluate', '--ratings', ratings, '--per-user', str(fraction), '--seed', str(seed), '--json'], log)
    report = json.loads(out[out.index('{'):])
    return {m['name']: (m['precision@10'], m['likedPrecision@10'], m['disliked@10']) for m in report['models']}


def rating_head(recsys, rows, split, raw_users, raw_items, workdir, name, log):
    """The service's rating head trained on `rows` (u.data lines), its prediction for every user x item pair as a
    users x items matrix in the split's indices."""
    train_path = os.path.join(workdir, f'{name}.tsv')
    np.savetxt(train_path, rows, fmt='%d', delimiter='\t')
    model = os.path.join(workdir, f'{name}.bin')
    run([recsys, 'train', '--ratings', train_path, '--output', model, '--no-ranking', '--threads', '2'], log)
    pairs = os.path.join(workdir, 'pairs.tsv')
    if not os.path.exists(pairs):
        grid = np.stack([np.repeat(raw_users, split.item_count), np.tile(raw_items, split.user_count)], 1)
        np.savetxt(pairs, grid, fmt='%d', delimiter='\t')
    predictions = os.path.join(workdir, f'{name}.predictions.tsv')
    run([recsys, 'predict', '--model', model, '--pairs', pairs, '--output', predictions], log)
    return np.loadtxt(predictions, usecols=2).reshape(split.user_count, split.item_count)


# ---------------------------------------------------------------------------------------------------- ranking scores

def implicit_als(split, factors=64, alpha=0.25, penalty=20.0, iterations=15, seed=42):
    """Hu, Koren & Volinsky's implicit ALS as the service's ranking head: preference 1 for a rated item with
    confidence 1 + alpha * r, 0 with confidence 1 elsewhere; exact solves. Returns users x items scores."""
    confidence = sparse.csr_matrix(alpha * split.R)  # c - 1 on rated items
    rated = sparse.csr_matrix(split.X)
    random = np.random.default_rng(seed)
    user_vectors = random.normal(0, 0.01, (split.user_count, factors))
    item_vectors = random.normal(0, 0.01, (split.item_count, factors))

    def solve(extra, chosen, other):
        # A_u = Y'Y + Y'(C_u - I)Y + lambda I; b_u = Y'C_u p_u. Y'(C_u - I)Y for every row at once: the sparse
        # extra-confidence matrix times the rows of other's outer products, flattened.
        outer = (other[:, :, None] * other[:, None, :]).reshape(len(other), -1)
        a = (extra @ outer).reshape(-1, factors, factors) + other.T @ other + penalty * np.eye(factors)
        b = (extra + chosen) @ other
        return np.linalg.solve(a, b[:, :, None])[:, :, 0]

    confidence_t, rated_t = confidence.T.tocsr(), rated.T.tocsr()
    for _ in range(iterations):
        user_vectors = solve(confidence, rated, item_vectors)
        item_vectors = solve(confidence_t, rated_t, user_vectors)
    return user_vectors @ item_vectors.T


def ease(split, penalty=300.0):
    """Steck's EASE on the training indicator: B = I - P / diag(P) with P = (X'X + lambda I)^-1, zero diagonal."""
    gram = split.X.T @ split.X
    gram[np.diag_indices_from(gram)] += penalty
    inverse = np.linalg.inv(gram)
    weights = -inverse / np.diag(inverse)
    weights[np.diag_indices_from(weights)] = 0
    return split.X @ weights


def per_user_z(split, scores):
    """Scores standardised per user over the items the user did not rate, so two sources can be added."""
    s = scores.copy()
    s[split.X > 0] = np.nan
    z = (s - np.nanmean(s, 1, keepdims=True)) / np.nanstd(s, 1, keepdims=True)
    return np.nan_to_num(z, nan=-1e9)


def weight(predicted, beta, tau=3.0):
    """ListScore's g = sigmoid(beta (r_hat - tau)) with r_hat clamped to 1-5, floored at 1e-6."""
    return np.maximum(1 / (1 + np.exp(-beta * (np.clip(predicted, 1, 5) - tau))), 1e-6)


def list_score(scores, predicted, beta):
    """ListScore.Combine: s * g for s >= 0, s / g for s < 0 (monotone in both)."""
    g = weight(predicted, beta)
    return np.where(scores >= 0, scores * g, scores / g)


# ---------------------------------------------------------------------------------------------------- fitted models

def logistic_fit(features, labels, ridge=1e-4, iterations=30):
    """Newton's method for a ridge-regularised logistic regression (features include the constant)."""
    w = np.zeros(features.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(features @ w)))
        hessian = (features * (p * (1 - p))[:, None]).T @ features + ridge * np.eye(len(w))
        step = np.linalg.solve(hessian, features.T @ (labels - p) - ridge * w)
        w += step
        if np.abs(step).max() < 1e-9:
            break
    return w


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def pair_features(split, predicted, als):
    """Per-(user, item) features the service could compute at list time: the rating head's prediction, the ranking
    score, the user's and item's training mean and spread, the item's log rating count. users x items x 7."""
    with warnings.catch_warnings():
        # Items with no training rating have no mean; they get the overall one (and are never listed).
        warnings.simplefilter('ignore', RuntimeWarning)
        r = np.where(split.X > 0, split.R, np.nan)
        user_mean, user_sd = np.nanmean(r, 1), np.nanstd(r, 1)
        overall = np.nanmean(r)
        item_mean = np.nan_to_num(np.nanmean(r, 0), nan=overall)
        item_sd = np.nan_to_num(np.nanstd(r, 0))
    shape = (split.user_count, split.item_count)
    columns = [predicted, als,
               np.broadcast_to(user_mean[:, None], shape), np.broadcast_to(user_sd[:, None], shape),
               np.broadcast_to(item_mean[None, :], shape), np.broadcast_to(item_sd[None, :], shape),
               np.broadcast_to(np.log1p(split.X.sum(0))[None, :], shape)]
    return np.stack(columns, -1)


def standardised(features, reference_mask):
    """The features with a constant column, centred and scaled on the reference pairs."""
    ref = features[reference_mask]
    mean, sd = ref.mean(0), ref.std(0)
    sd[sd == 0] = 1
    z = (features - mean) / sd
    return np.concatenate([np.ones(z.shape[:-1] + (1,)), z], -1)


def auc(scores, positive):
    """P(score of a liked item > score of a disliked one), ties half (Mann-Whitney U / n1 n0)."""
    return mannwhitneyu(scores[positive], scores[~positive]).statistic / positive.sum() / (~positive).sum()


# ---------------------------------------------------------------------------------------------------- the analysis

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ratings', required=True, help='MovieLens-100k u.data (user item rating time, whitespace)')
    parser.add_argument('--recsys', required=True, help='the recsys CLI (dotnet build src/RecommenderService.Cli -c Release)')
    parser.add_argument('--quick', action='store_true', help='skip the slow parts: ensemble, finer grids, the oracle head')
    parser.add_argument('--fraction', type=float, default=0.25, help='per-user test fraction (default 0.25)')
    parser.add_argument('--seed', type=int, default=42, help='split seed (default 42)')
    args = parser.parse_args()
    started = time.perf_counter()
    report = Report()
    betas = [0.5, 1, 2]

    with tempfile.TemporaryDirectory(prefix='frontier-') as workdir:
        log = os.path.join(workdir, 'recsys.log')

        report.section(f'Split and the service\'s rows (recsys evaluate --per-user {args.fraction} --seed {args.seed})')
        rows = np.loadtxt(args.ratings, dtype=np.int64)
        split = per_user_split(rows, args.fraction, args.seed)
        report.note(f'{split.user_count} users, {split.item_count} items, {int((~split.in_test).sum())} training and '
                    f'{int(split.in_test.sum())} test ratings')
        service = recsys_evaluate(args.recsys, args.ratings, args.fraction, args.seed, log)
        for name in ['popularity', 'ranking-head', 'ranking']:
            report.row(f'recsys {name}', service[name])
        popularity = list_metrics(split, np.tile(split.X.sum(0), (split.user_count, 1)))
        report.row('popularity (this script)', popularity)
        difference = np.abs(np.subtract(popularity, service['popularity'])).max()
        if difference > TOLERANCE:
            sys.exit(f'The popularity row differs from recsys\' by {difference:.6f} (> {TOLERANCE}): the split or the '
                     f'metrics here are not the service\'s, so no other row can be trusted.')
        report.note(f'popularity matches recsys\' within {difference:.1e}')

        report.section('Rating head: recsys train --no-ranking on the training part, recsys predict for every pair')
        raw_users = np.empty(split.user_count, np.int64)
        raw_users[split.users] = rows[:, 0]
        raw_items = np.empty(split.item_count, np.int64)
        raw_items[split.items] = rows[:, 1]
        predicted = rating_head(args.recsys, rows[~split.in_test], split, raw_users, raw_items, workdir, 'train', log)
        test_u, test_i = split.users[split.in_test], split.items[split.in_test]
        rmse = np.sqrt(np.mean((predicted[test_u, test_i] - split.ratings[split.in_test]) ** 2))
        report.note(f'test RMSE {rmse:.4f}')
        report.row('rating head alone (r_hat)', list_metrics(split, predicted))

        report.section('Ranking-score sources, alone and times g = sigmoid(beta (r_hat - 3)) (ListScore)')
        als = implicit_als(split)
        sources = [('ALS', als)]
        report.note('ALS: k 64, confidence 1 + 0.25 r, lambda 20, 15 iterations, exact solves')
        if not args.quick:
            sources.append(('EASE', ease(split)))
            report.note('EASE: lambda 300 on the training indicator; z: per-user z-scores over unrated items, summed')
            z_als, z_ease = per_user_z(split, als), per_user_z(split, sources[1][1])
            for w in [0.3, 0.5]:
                sources.append((f'z {1 - w:.1f} ALS + {w:.1f} EASE', (1 - w) * z_als + w * z_ease))
        for name, scores in sources:
            report.row(name, list_metrics(split, scores))
            for beta in betas:
                report.row(f'{name} x g, beta {beta}', list_metrics(split, list_score(scores, predicted, beta)))

        report.section('Calibrated p (1 + a q - c d) -- optimistic: fitted on the test split')
        # p = P(rated in test | ALS score), q = P(liked | rated), d = P(disliked | rated): logistic models whose
        # labels are the test ratings, so they are upper bounds of what such a score could do, not a method.
        candidate = (split.X == 0) & split.known[None, :]
        s = als[candidate]
        p_features = np.stack([np.ones_like(s), s, np.log(np.maximum(s, 1e-3))], 1)
        w_p = logistic_fit(p_features, (split.T[candidate] > 0).astype(float))
        p = sigmoid(np.stack([np.ones_like(als), als, np.log(np.maximum(als, 1e-3))], -1) @ w_p)
        features = standardised(pair_features(split, predicted, als), split.T > 0)
        rated_test = split.T > 0
        w_q = logistic_fit(features[rated_test], (split.T[rated_test] >= LIKED).astype(float))
        w_d = logistic_fit(features[rated_test], (split.T[rated_test] <= DISLIKED).astype(float))
        q, d = sigmoid(features @ w_q), sigmoid(features @ w_d)
        report.note('p: logistic on (1, s, log s) of the ALS score; q, d: logistic on r_hat, s, user and item mean and sd, log item count')
        report.row('p alone', list_metrics(split, p), 'optimistic')
        grid_a, grid_c = ([0, 1, 2], [0, 1, 2, 4, 8]) if not args.quick else ([1], [0, 2, 8])
        for a in grid_a:
            for c in grid_c:
                if a == 0 and c == 0:
                    continue
                report.row(f'p (1 + {a} q - {c} d)', list_metrics(split, p * (1 + a * q - c * d)), 'optimistic')

        report.section('Liked-vs-disliked AUC among test items in the ALS top 30')
        ranked = als.copy()
        ranked[~candidate] = -np.inf
        top = np.argsort(-ranked, axis=1, kind='stable')[:, :30]
        uu = np.repeat(np.arange(split.user_count), 30)
        ii = top.ravel()
        rating = split.T[uu, ii]
        judged = (rating >= LIKED) | ((rating > 0) & (rating <= DISLIKED))
        uu, ii, liked = uu[judged], ii[judged], rating[judged] >= LIKED
        report.note(f'{liked.sum()} liked, {(~liked).sum()} disliked test items among the top 30 lists')
        report.note(f'{"rating head (r_hat)":44s} AUC {auc(predicted[uu, ii], liked):.4f}')
        report.note(f'{"ALS score":44s} AUC {auc(als[uu, ii], liked):.4f}')
        # Multi-feature logistic model, 2-fold by user: the features are honest, the labels are test ratings.
        f = features[uu, ii]
        out_of_fold = np.empty(len(uu))
        for fold in (0, 1):
            held = uu % 2 == fold
            w = logistic_fit(f[~held], liked[~held].astype(float))
            out_of_fold[held] = f[held] @ w
        report.note(f'{"multi-feature logistic (optimistic, 2-fold CV)":44s} AUC {auc(out_of_fold, liked):.4f}')
        if not args.quick:
            # The same recipe on all of u.data: a rating head that saw the test ratings, to show how good g would
            # have to be, never a method.
            seen = rating_head(args.recsys, rows, split, raw_users, raw_items, workdir, 'all', log)
            report.note(f'{"rating head that saw the test ratings":44s} AUC {auc(seen[uu, ii], liked):.4f}')

            report.section('ALS x g with the rating head that saw the test ratings (recsys train on all of u.data)')
            for beta in betas:
                report.row(f'ALS x g(saw the test ratings), beta {beta}', list_metrics(split, list_score(als, seen, beta)),
                           'oracle')
        report.end_section()

    verdict(report, args.quick)
    print(f'\ntotal {time.perf_counter() - started:.1f} s')


def verdict(report, quick):
    """One paragraph computed from the rows: per kind of input, the rows that keep any-rated P@10 at the goal, the
    best liked and the lowest disliked among them, and how many meet all three goals."""
    own = [r for r in report.rows if not r[0].startswith(('recsys', 'popularity'))]

    def describe(row):
        return f'"{row[0]}" ({row[2]:.4f} / {row[3]:.4f} / {row[4]:.4f})'

    def summary(kind):
        rows = [r for r in own if r[1] == kind and r[2] >= GOAL_ANY]
        if not rows:
            return f'no row keeps any-rated >= {GOAL_ANY}'
        top_liked = max(rows, key=lambda r: r[3])
        low_disliked = min(rows, key=lambda r: r[4])
        met = sum(r[3] >= GOAL_LIKED and r[4] <= GOAL_DISLIKED for r in rows)
        text = f'{len(rows)} {"row keeps" if len(rows) == 1 else "rows keep"} any-rated >= {GOAL_ANY}; the best liked is {describe(top_liked)}'
        text += ', also the lowest disliked' if low_disliked is top_liked else f', the lowest disliked {describe(low_disliked)}'
        return text + f'; {met} of them meet liked >= {GOAL_LIKED} and disliked <= {GOAL_DISLIKED}'

    print('\n== Verdict (any / liked / disliked)')
    paragraph = (f'Goal: any-rated P@10 >= {GOAL_ANY}, liked P@10 >= {GOAL_LIKED} and disliked@10 <= {GOAL_DISLIKED} at once. '
                 f'Honest inputs (ranking scores and the service\'s rating head): {summary("honest")}. '
                 f'Fitted on the test split (optimistic): {summary("optimistic")}. ')
    paragraph += ('(--quick: the rating head that saw the test ratings was skipped.)' if quick else
                  f'With a rating head that saw the test ratings: {summary("oracle")}.')
    print(textwrap.fill(paragraph, 118, initial_indent='  ', subsequent_indent='  '))


if __name__ == '__main__':
    main()
