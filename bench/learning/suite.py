"""The synthetic suite: mqlscore with its defaults against scikit-learn, and against the truth.

Each scenario is a CRM export written by `mqlscore generate --export <scenario>` (src/learn/
exports.rs): the same eight columns every time (numbers as text with blank cells, a "Select"
placeholder, Yes/No columns, rare levels), the outcome drawn from a stated log-odds formula over
some of them, and each row's true probability in the last column. The truth's AUC on the
held-out rows is the most any model could reach there. The mapping names the columns and nothing
else (no `numeric` list, no options): what a first-time user writes.

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn
    cargo build --release -p mqlscore-cli
    /tmp/skl/bin/python bench/learning/suite.py [--rows 12000] [--seed 7] [--cli PATH]

Prints, per scenario on a fixed 70/30 split: test AUC of the truth, of scikit-learn's logistic
regression and gradient boosting, and of mqlscore (with its rule count, the largest gap between
mean predicted and observed rate over tenths of the predictions, the same for the true
probabilities, which is what chance alone leaves on these rows, and training seconds).
"""
import argparse, csv, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from defaults import train_and_score  # noqa: E402 (the same train-and-score as defaults.py)

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = ["smooth", "threshold", "interaction", "rare-levels", "peak", "crm"]
TEXT = ["Lead Source", "Occupation", "Had a Phone Conversation", "Specialization", "Do Not Email"]
NUMBERS = ["Total Time Spent on Website", "TotalVisits", "Employees"]


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def calibration_gap(p, y):
    """The largest |mean predicted - observed| over tenths of the predictions."""
    order = np.argsort(p)
    return max(abs(p[part].mean() - y[part].mean()) for part in np.array_split(order, 10))


def sklearn_models(train, test):
    def frame(part):
        num = lambda v: float(v) if v != "" else np.nan
        return np.array([[r[c] for c in TEXT] + [num(r[c]) for c in NUMBERS] for r in part], dtype=object)
    x_train, x_test = frame(train), frame(test)
    y_train = np.array([r["Converted"] == "1" for r in train])
    k = len(TEXT)
    text, nums = list(range(k)), list(range(k, k + len(NUMBERS)))
    lr = make_pipeline(ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), text),
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), nums)]), LogisticRegression(max_iter=3000))
    gb = make_pipeline(
        ColumnTransformer([("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), text),
                           ("num", "passthrough", nums)]),
        HistGradientBoostingClassifier(categorical_features=list(range(k)), random_state=0))
    return {"logistic regression": lr.fit(x_train, y_train).predict_proba(x_test)[:, 1],
            "gradient boosting": gb.fit(x_train, y_train).predict_proba(x_test)[:, 1]}


def mqlscore(cli, tmp):
    p, model, seconds, _ = train_and_score(cli, tmp, f"{tmp}/mapping.json", "suite")
    rules = len(model.get("fit", {}).get("rules", []))
    return p, rules, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=12000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli", default=os.path.join(ROOT, "target", "release", "mqlscore"))
    args = ap.parse_args()
    print(f"{args.rows} rows per scenario (seed {args.seed}), 70% to learn, 30% held out; test AUC")
    print(f"{'scenario':12} {'truth':>6} {'logistic':>9} {'boosting':>9} {'mqlscore':>9} {'vs boosting':>12} {'rules':>6} {'calib.':>7} {'(truth)':>8} {'train s':>8}")
    for scenario in SCENARIOS:
        tmp = tempfile.mkdtemp()
        subprocess.run([args.cli, "generate", "--export", scenario, "--leads", str(args.rows), "--seed", str(args.seed),
                        "--out", tmp], check=True, capture_output=True)
        rows = read(f"{tmp}/leads.csv")
        cut = int(len(rows) * 0.7)
        train, test = rows[:cut], rows[cut:]
        write(f"{tmp}/train.csv", train)
        write(f"{tmp}/test.csv", test)
        y = np.array([r["Converted"] == "1" for r in test])
        truth = np.array([float(r["True Probability"]) for r in test])
        others = sklearn_models(train, test)
        p, rules, seconds = mqlscore(args.cli, tmp)
        auc = lambda q: roc_auc_score(y, q)
        print(f"{scenario:12} {auc(truth):6.3f} {auc(others['logistic regression']):9.3f} {auc(others['gradient boosting']):9.3f} "
              f"{auc(p):9.3f} {auc(p) - auc(others['gradient boosting']):+12.3f} {rules:6} {calibration_gap(p, y.astype(float)):7.3f} {calibration_gap(truth, y.astype(float)):8.3f} {seconds:8.2f}")


if __name__ == "__main__":
    sys.exit(main())
