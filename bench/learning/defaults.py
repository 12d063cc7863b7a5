"""mqlscore trained with its defaults on a CRM-style leads export, against scikit-learn.

The export has what real ones have: numbers typed as text in a CSV (visits, minutes on the site,
page views per visit, some cells blank), form placeholders ("Select"), yes/no columns, text
columns with rare levels, smooth effects (more time on the site converts more, saturating), a
peak (visits), and one true interaction (working professionals who spent long on the site).
The mapping names the columns and nothing else: no `numeric` list, no options. That is what a
user who tries `mqlscore train` first does. `--numeric` adds the `numeric` list (tuned by hand).

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn
    /tmp/skl/bin/python bench/learning/defaults.py [--rows 12000] [--seed 7] [--cli PATH]...

Each `--cli` is a `mqlscore` binary (default target/release/mqlscore), so that two builds are
compared on the same rows. Prints test AUC and Brier score of each on a fixed 70/30 split, and
the cross-validated AUC `mqlscore train` reported on the 70% (what a user would go by).
"""
import argparse, csv, json, math, os, random, subprocess, sys, tempfile, time


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORIGINS = {"Landing Page Submission": 0.0, "API": -0.3, "Lead Add Form": 1.8, "Lead Import": -0.8}
SOURCES = {"Google": 0.0, "Direct Traffic": -0.2, "Olark Chat": -0.6, "Organic Search": -0.1,
           "Reference": 1.2, "Welingak Website": 1.9, "Referral Sites": -0.3, "Facebook": -0.4,
           "bing": 0.0, "Click2call": 0.8, "": 0.0}
ACTIVITIES = {"Email Opened": 0.3, "SMS Sent": 1.1, "Olark Chat Conversation": -1.0,
              "Page Visited on Website": -0.2, "Converted to Lead": -0.9, "Email Bounced": -1.2,
              "Email Link Clicked": 0.0, "Form Submitted on Website": 0.1, "Unreachable": -0.4,
              "Had a Phone Conversation": 2.0}
OCCUPATIONS = {"Unemployed": 0.0, "Working Professional": 1.6, "Student": -0.2, "": -0.5,
               "Housewife": 1.0, "Other": 0.2}
SPECIALIZATIONS = ["Select", "Finance Management", "Human Resource Management", "Marketing Management",
                   "Operations Management", "Business Administration", "IT Projects Management",
                   "Supply Chain Management", "Banking, Investment And Insurance", "Media and Advertising",
                   "Travel and Tourism", "International Business", "Healthcare Management", "E-COMMERCE",
                   "Hospitality Management", "Retail Management", "Rural and Agribusiness", "E-Business"]
CITIES = ["Mumbai", "Select", "Thane & Outskirts", "Other Cities", "Other Cities of Maharashtra",
          "Other Metro Cities", "Tier II Cities", ""]


def pick(rnd, table, weights):
    return rnd.choices(list(table), weights=weights)[0]


def rows(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        origin = pick(rnd, ORIGINS, [53, 39, 7, 1])
        source = pick(rnd, SOURCES, [31, 28, 19, 12, 3, 1.5, 1.4, 1, 1, 0.5, 1.6])
        activity = pick(rnd, ACTIVITIES, [37, 30, 11, 7, 7, 3.5, 3, 1.2, 1, 0.3])
        occupation = pick(rnd, OCCUPATIONS, [60, 7.6, 2.3, 29, 0.1, 1])
        no_email = rnd.random() < 0.08
        visits = 0 if rnd.random() < 0.24 else min(int(rnd.expovariate(1 / 3.5)) + 1, 60)
        seconds = 0 if visits == 0 else int(min(rnd.lognormvariate(5.9, 1.0), 2300))
        per_visit = 0 if visits == 0 else round(max(1.0, rnd.gauss(2.4, 1.2)), 2)
        specialization = rnd.choice(SPECIALIZATIONS) if rnd.random() > 0.21 else "Select"
        city = rnd.choice(CITIES)
        z = -1.9 + ORIGINS[origin] + SOURCES[source] + ACTIVITIES[activity] + OCCUPATIONS[occupation]
        z += 2.6 / (1 + math.exp(-(seconds - 700) / 180)) - 0.6          # smooth, saturating
        z += 0.5 * math.exp(-((visits - 5) / 3) ** 2)                     # a peak
        z -= 0.15 * max(per_visit - 3, 0)                                 # gently down
        z -= 1.0 if no_email else 0.0
        z += 0.4 if specialization == "Select" and occupation == "" else 0.0
        z += 1.2 if occupation == "Working Professional" and seconds > 900 else 0.0  # interaction
        won = rnd.random() < 1 / (1 + math.exp(-z))
        blank = rnd.random() < 0.015  # an export drops some numbers
        out.append({
            "Prospect ID": f"P{i:06d}", "Lead Origin": origin, "Lead Source": source,
            "Do Not Email": "Yes" if no_email else "No",
            "TotalVisits": "" if blank else str(visits),
            "Total Time Spent on Website": str(seconds),
            "Page Views Per Visit": "" if blank else (str(per_visit) if per_visit != int(per_visit) else str(int(per_visit))),
            "Last Activity": activity, "Specialization": specialization,
            "What is your current occupation": occupation, "City": city,
            "Converted": "1" if won else "0",
        })
    return out


TEXT = ["Lead Origin", "Lead Source", "Do Not Email", "Last Activity", "Specialization",
        "What is your current occupation", "City"]
NUMBERS = ["TotalVisits", "Total Time Spent on Website", "Page Views Per Visit"]


def write(path, data):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]))
        w.writeheader()
        w.writerows(data)


def train_and_score(cli, tmp, mapping, run_id):
    """`mqlscore train` on tmp/train.csv, then `score` on tmp/test.csv with `mapping`: the test
    rows' probabilities, the model, training seconds and what train printed."""
    import numpy as np
    started = time.perf_counter()
    trained = subprocess.run([cli, "train", "--csv", f"{tmp}/train.csv", "--mapping", mapping,
                              "--id", run_id, "--out", f"{tmp}/model.json"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if trained.returncode != 0:
        raise SystemExit(f"{cli} train failed: {trained.stderr.strip()}")
    scored = subprocess.run([cli, "score", "--model", f"{tmp}/model.json", "--csv", f"{tmp}/test.csv",
                             "--mapping", mapping], capture_output=True, text=True, check=True).stdout
    p = np.array([json.loads(l)["probability"] for l in scored.splitlines()])
    return p, json.load(open(f"{tmp}/model.json")), seconds, trained.stdout


def mqlscore(cli, tmp, numeric):
    mapping = {"id": "Prospect ID", "converted": {"column": "Converted", "values": ["1"]},
               "traits": {c: c.lower().replace(" ", "_") for c in TEXT + NUMBERS}}
    if numeric:
        mapping["numeric"] = NUMBERS
    with open(f"{tmp}/map.json", "w") as f:
        json.dump(mapping, f)
    p, model, seconds, printed = train_and_score(cli, tmp, f"{tmp}/map.json", "leads")
    rules = len(model.get("fit", {}).get("rules", [])) + len(model.get("engagement", {}).get("rules", []))
    reported = [l for l in printed.splitlines() if "cross-validated" in l and "learned" in l]
    cv = float(reported[0].split("learned ")[1].split()[0]) if reported else float("nan")
    return p, rules, seconds, cv, printed


def main():
    # scikit-learn only where it is compared (scale.py reads the rows without it).
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=12000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli", action="append", default=[])
    ap.add_argument("--numeric", action="store_true", help="also train with the numeric columns declared")
    ap.add_argument("--show", action="store_true", help="print what the last build's train printed")
    args = ap.parse_args()
    clis = args.cli or [os.path.join(ROOT, "target", "release", "mqlscore")]
    data = rows(args.rows, args.seed)
    cut = int(len(data) * 0.7)
    train, test = data[:cut], data[cut:]
    y_train = np.array([r["Converted"] == "1" for r in train])
    y_test = np.array([r["Converted"] == "1" for r in test])
    tmp = tempfile.mkdtemp()
    write(f"{tmp}/train.csv", train)
    write(f"{tmp}/test.csv", test)

    def frame(part):
        num = lambda v: float(v) if v != "" else np.nan
        return np.array([[r[c] for c in TEXT] + [num(r[c]) for c in NUMBERS] for r in part], dtype=object)
    x_train, x_test = frame(train), frame(test)
    k = len(TEXT)
    idx_text, idx_num = list(range(k)), list(range(k, k + len(NUMBERS)))
    lr = make_pipeline(ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), idx_text),
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), idx_num)]), LogisticRegression(max_iter=3000))
    p_lr = lr.fit(x_train, y_train).predict_proba(x_test)[:, 1]
    enc = ColumnTransformer([("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), idx_text),
                             ("num", "passthrough", idx_num)])
    gb = make_pipeline(enc, HistGradientBoostingClassifier(categorical_features=list(range(k)), random_state=0))
    p_gb = gb.fit(x_train, y_train).predict_proba(x_test)[:, 1]

    print(f"{len(train)} training rows, {len(test)} held out; {y_test.mean():.1%} converted in the hold-out")
    print(f"{'':52} {'test AUC':>9} {'Brier':>7} {'rules':>6} {'train s':>8} {'its CV AUC':>10}")
    for name, p in [("scikit-learn logistic regression (one-hot, scaled)", p_lr),
                    ("scikit-learn gradient boosting (defaults)", p_gb)]:
        print(f"{name:52} {roc_auc_score(y_test, p):9.3f} {brier_score_loss(y_test, p):7.3f}")
    out = ""
    for i, cli in enumerate(clis):
        for numeric in [False, True] if args.numeric else [False]:
            p, rules, seconds, cv, out = mqlscore(cli, tmp, numeric)
            label = f"mqlscore #{i + 1}, {'numeric columns declared' if numeric else 'defaults'}"
            print(f"{label:52} {roc_auc_score(y_test, p):9.3f} {brier_score_loss(y_test, p):7.3f} {rules:6} {seconds:8.2f} {cv:10.3f}")
    for i, cli in enumerate(clis):
        print(f"#{i + 1}: {cli}")
    if args.show:
        print(out)


if __name__ == "__main__":
    sys.exit(main())
