"""mqlscore's learned scorecard against scikit-learn on the same hold-out split.

Synthetic leads with known structure that points alone cannot express exactly: levels of two
text columns, a saturating count, a threshold count, a numeric column whose effect peaks in the
middle, and one true interaction. `mqlscore train` proposes the rules (no model given) and adds
the interactions it finds; scikit-learn fits a logistic regression on one-hot levels and raw
numbers, and gradient boosting on the same columns. Prints test AUC and Brier score of each.

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn
    /tmp/skl/bin/python bench/learning/compare.py [--rows 10000] [--seed 1]

Needs the command line built (`cargo build --release -p mqlscore-cli`); not part of the tests.
"""
import argparse, csv, json, math, os, random, subprocess, sys, tempfile

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "target", "release", "mqlscore")
SOURCES = {"Referral": 1.2, "Partner": 0.4, "Webinar": 0.6, "Organic": 0.0, "Paid": -0.3,
           "Social": -0.6, "Event": 0.2, "Select": -0.9, "": -0.9}
INDUSTRIES = {"Software": 0.5, "Finance": 0.3, "Health": 0.1, "Retail": -0.2, "Education": -0.7,
              "Other": -0.4}


def rows(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        source = rnd.choices(list(SOURCES), weights=[8, 10, 8, 25, 20, 12, 7, 6, 4])[0]
        industry = rnd.choices(list(INDUSTRIES), weights=[30, 15, 12, 15, 8, 20])[0]
        employees = int(math.exp(rnd.gauss(4.5, 1.6)))
        visits = min(int(rnd.expovariate(1 / 5)), 60)
        pricing = min(int(rnd.expovariate(1 / 1.2)), 12)
        minutes = round(rnd.expovariate(1 / 12), 2)
        z = -3.2 + SOURCES[source] + INDUSTRIES[industry]
        z += 0.5 * math.log10(1 + employees)          # bigger companies, slowly
        z += 0.8 * math.log1p(visits) / math.log(61)   # saturating engagement
        z += 1.1 if pricing >= 2 else 0.0             # a threshold
        z += 0.9 * math.exp(-((minutes - 15) / 8) ** 2)  # a peak in the middle
        z += 1.5 if source == "Partner" and employees >= 1000 else 0.0  # the interaction
        won = rnd.random() < 1 / (1 + math.exp(-z))
        out.append({"Id": f"L{i}", "Source": source, "Industry": industry, "Employees": employees,
                    "Visits": visits, "Pricing Views": pricing, "Minutes": minutes,
                    "Won": "yes" if won else "no"})
    return out


def write(path, data):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]))
        w.writeheader()
        w.writerows(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    data = rows(args.rows, args.seed)
    cut = int(len(data) * 0.7)
    train, test = data[:cut], data[cut:]
    y_test = np.array([r["Won"] == "yes" for r in test])
    tmp = tempfile.mkdtemp()
    write(f"{tmp}/train.csv", train)
    write(f"{tmp}/test.csv", test)
    mapping = {"id": "Id", "converted": {"column": "Won", "values": ["yes"]},
               "at": "2026-10-01T00:00:00Z",
               "traits": {"Source": "source", "Industry": "industry",
                          "Employees": "company.employees", "Minutes": "minutes"},
               "numeric": ["Employees", "Minutes"],
               "counts": {"Visits": {"page": "/"}, "Pricing Views": {"page": "/pricing"}}}
    with open(f"{tmp}/map.json", "w") as f:
        json.dump(mapping, f)
    trained = subprocess.run([CLI, "train", "--csv", f"{tmp}/train.csv", "--mapping", f"{tmp}/map.json",
                              "--id", "compare", "--out", f"{tmp}/model.json"],
                             capture_output=True, text=True, check=True).stdout
    scored = subprocess.run([CLI, "score", "--model", f"{tmp}/model.json", "--csv", f"{tmp}/test.csv",
                             "--mapping", f"{tmp}/map.json"], capture_output=True, text=True, check=True).stdout
    p_mql = np.array([json.loads(l)["probability"] for l in scored.splitlines()])
    model = json.load(open(f"{tmp}/model.json"))
    rules = len(model.get("fit", {}).get("rules", [])) + len(model.get("engagement", {}).get("rules", []))
    interactions = [l.strip() for l in trained.splitlines() if " x " in l and "chi-squared" in l]

    cats, nums = ["Source", "Industry"], ["Employees", "Visits", "Pricing Views", "Minutes"]
    def frame(part):
        return np.array([[r[c] for c in cats] + [float(r[c]) for c in nums] for r in part], dtype=object)
    x_train, x_test = frame(train), frame(test)
    y_train = np.array([r["Won"] == "yes" for r in train])
    columns = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), [0, 1]),
                                 ("num", StandardScaler(), [2, 3, 4, 5])])
    lr = make_pipeline(columns, LogisticRegression(max_iter=2000)).fit(x_train, y_train)
    p_lr = lr.predict_proba(x_test)[:, 1]
    x_gb = lambda x: np.column_stack([
        np.array([list(SOURCES).index(v) for v in x[:, 0]]),
        np.array([list(INDUSTRIES).index(v) for v in x[:, 1]]),
        x[:, 2:].astype(float)])
    gb = HistGradientBoostingClassifier(categorical_features=[0, 1], random_state=0)
    gb.fit(x_gb(x_train), y_train)
    p_gb = gb.predict_proba(x_gb(x_test))[:, 1]

    print(f"{len(train)} training rows, {len(test)} held out; {y_test.mean():.1%} converted in the hold-out")
    print(f"{'':34} {'test AUC':>9} {'Brier':>7}")
    for name, p in [("sklearn logistic regression", p_lr), ("sklearn gradient boosting", p_gb),
                    (f"mqlscore train ({rules} rules)", p_mql)]:
        print(f"{name:34} {roc_auc_score(y_test, p):9.3f} {brier_score_loss(y_test, p):7.3f}")
    print("interactions mqlscore added:", "; ".join(interactions) or "none")


if __name__ == "__main__":
    sys.exit(main())
