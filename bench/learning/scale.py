"""How `mqlscore train` scales: seconds and peak memory at 10,000, 100,000 and 1,000,000 rows of a
CRM export with 30 columns, trained with its defaults (no options, a mapping that only names the
columns), as a user would run it.

The export is defaults.py's eleven columns (with their known effects) and twenty more of the kinds
CRM exports carry: countries, industries, titles and campaigns with rare levels, company sizes
written as ranges, revenue and employees as numbers with blanks, email activity counts, yes/no
flags, a created date, an owner that says nothing. Each size is written once to --dir and reused.

    python3 bench/learning/scale.py [--rows 10000,100000,1000000] [--seed 7] [--cli PATH]...
        [--dir /tmp/mqlscore-scale] [--sklearn /tmp/skl/bin/python]

Each `--cli` is a `mqlscore` binary (default target/release/mqlscore), run in turn on the same
files. Peak memory is the child's maximum resident set (getrusage via wait4; the bench itself
stays small, since a child's count starts from its parent's resident memory). With --sklearn, the
same rows are also fitted by scikit-learn's HistGradientBoostingClassifier (its defaults, the
columns one-hot or ordinal-encoded as defaults.py does) in that Python, timed the same way, for
a sense of what the same machine does with a library a data team already uses.
"""
import argparse, json, math, os, random, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import defaults  # noqa: E402

ROOT = defaults.ROOT
COUNTRIES = ["India", "United States", "United Kingdom", "Germany", "France", "Canada", "Australia",
             "Singapore", "United Arab Emirates", "Brazil", "Netherlands", "Spain", "Italy", "Japan",
             "South Africa", "Nigeria", "Kenya", "Sweden", "Ireland", "Mexico", ""]
COUNTRY_W = [40, 14, 7, 5, 4, 4, 3, 3, 3, 2, 2, 2, 1.5, 1.5, 1, 1, 0.5, 0.5, 0.5, 0.5, 5]
COUNTRY_Z = {"United States": 0.3, "United Kingdom": 0.2, "Germany": 0.2, "Nigeria": -0.6, "": -0.2}
INDUSTRIES = ["Software", "Financial Services", "Healthcare", "Education", "Retail", "Manufacturing",
              "Media", "Government", "Non-profit", "Telecommunications", "Logistics", "Energy",
              "Real Estate", "Hospitality", "Other", ""]
INDUSTRY_Z = {"Software": 0.4, "Financial Services": 0.3, "Education": -0.3, "Non-profit": -0.5}
SIZES = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+", ""]
SIZE_Z = {"1-10": -0.4, "11-50": -0.1, "201-500": 0.2, "501-1000": 0.3, "1001-5000": 0.35, "5000+": 0.3}
TITLES = ["Marketing Manager", "Software Engineer", "CEO", "Founder", "Student", "VP Sales", "Analyst",
          "Consultant", "Director of Marketing", "Head of Growth", "Teacher", "Product Manager",
          "CTO", "Intern", "Sales Executive", "Operations Manager", "Designer", "HR Manager",
          "Data Scientist", "Account Manager"] + [f"Title {k}" for k in range(60)] + [""]
TITLE_Z = {"CEO": 0.5, "Founder": 0.4, "Director of Marketing": 0.5, "Head of Growth": 0.6,
           "VP Sales": 0.4, "CTO": 0.3, "Student": -0.7, "Intern": -0.8, "Teacher": -0.3}
SENIORITY = ["Entry", "Mid", "Senior", "Manager", "Director", "VP", "C-Level", ""]
CAMPAIGNS = [f"2026-Q{q} {name}" for q in range(1, 5)
             for name in ["Webinar", "Ebook", "Paid Search", "Paid Social", "Trade Show", "Newsletter",
                          "Partner", "Retargeting", "Cold Email", "Free Trial", "Case Study", "Podcast"]]
OWNERS = [f"Rep {chr(65 + k)}" for k in range(12)]
STATES = ["Maharashtra", "Karnataka", "Delhi", "Tamil Nadu", "California", "New York", "Texas", "London",
          "Bavaria", "Ontario", "New South Wales", "Other", ""]


def wide_rows(n, seed):
    """defaults.rows(n, seed) with twenty more columns; the outcome is redrawn with their effects."""
    base = defaults.rows(n, seed)
    rnd = random.Random(seed * 7919 + 1)
    for r in base:
        country = rnd.choices(COUNTRIES, COUNTRY_W)[0]
        industry = rnd.choice(INDUSTRIES)
        size = rnd.choices(SIZES, [18, 22, 18, 12, 8, 8, 6, 8])[0]
        title = rnd.choices(TITLES, [6] * 20 + [0.3] * 60 + [8])[0]
        seniority = rnd.choice(SENIORITY)
        employees = "" if rnd.random() < 0.3 else str(int(rnd.lognormvariate(4.5, 1.6)) + 1)
        revenue = "" if rnd.random() < 0.45 else str(round(rnd.lognormvariate(15, 1.8), -3))
        opens = min(int(rnd.expovariate(1 / 4)), 200)
        clicks = min(int(rnd.expovariate(1 / 1.2)), opens)
        webinars = 0 if rnd.random() < 0.8 else 1 + int(rnd.expovariate(1))
        forms = 0 if rnd.random() < 0.6 else 1 + int(rnd.expovariate(1 / 1.5))
        idle_days = int(rnd.expovariate(1 / 30))
        created = f"2026-{1 + rnd.randrange(11):02d}-{1 + rnd.randrange(28):02d}"
        phone = "Yes" if rnd.random() < 0.55 else "No"
        opt_in = rnd.choice(["Yes", "No", ""])
        campaign = rnd.choice(CAMPAIGNS)
        owner = rnd.choice(OWNERS)
        domain = "Free" if rnd.random() < 0.35 else "Business"
        state = rnd.choice(STATES)
        legacy = str(rnd.randrange(0, 100))
        # The effects of the new columns, on top of what defaults.py's columns already decided
        # (its draw stays the base: a second draw on the log-odds of the added effects).
        z = COUNTRY_Z.get(country, 0.0) + INDUSTRY_Z.get(industry, 0.0) + SIZE_Z.get(size, 0.0)
        z += TITLE_Z.get(title, 0.0) + 0.25 * min(clicks, 6) / 6 + 0.3 * min(webinars, 2)
        z += 0.2 * min(forms, 3) - 0.4 * (idle_days > 90) - 0.5 * (domain == "Free")
        z += 0.2 * (phone == "Yes")
        won = r["Converted"] == "1"
        flip = 1 / (1 + math.exp(-abs(z))) - 0.5  # how far the added effects move the odds
        if z > 0 and not won and rnd.random() < flip:
            won = True
        elif z < 0 and won and rnd.random() < flip:
            won = False
        converted = r.pop("Converted")
        r.update({
            "Country": country, "Industry": industry, "Company Size": size, "Job Title": title,
            "Seniority": seniority, "Employees": employees, "Annual Revenue": revenue,
            "Email Opens": str(opens), "Email Clicks": str(clicks), "Webinars Attended": str(webinars),
            "Form Submissions": str(forms), "Days Since Last Activity": str(idle_days),
            "Created Date": created, "Has Phone": phone, "Newsletter Opt In": opt_in,
            "Campaign": campaign, "Lead Owner": owner, "Email Domain": domain, "State": state,
            "Legacy Score": legacy,
        })
        r["Converted"] = "1" if won else "0"
        del converted
    return base


def mapping_for(columns):
    traits = [c for c in columns if c not in ("Prospect ID", "Converted")]
    return {"id": "Prospect ID", "converted": {"column": "Converted", "values": ["1"]},
            "traits": {c: c.lower().replace(" ", "_") for c in traits}}


def export(directory, n, seed):
    """The export of n rows (written once) and its mapping."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"leads-{n}-{seed}.csv")
    mapping = os.path.join(directory, f"leads-{seed}.map.json")
    if not os.path.exists(path):
        # Written by a process of its own: a child forked from one holding a million rows would
        # start with that process's resident memory as its own peak.
        subprocess.run([sys.executable, os.path.abspath(__file__), "--write", path, mapping,
                        str(n), str(seed)], check=True)
    return path, mapping


def write(path, mapping, n, seed):
    data = wide_rows(n, seed)
    tmp = path + ".part"
    defaults.write(tmp, data)
    os.replace(tmp, path)
    with open(mapping, "w") as f:
        json.dump(mapping_for(list(data[0])), f)


def run(argv):
    """Seconds and peak MiB of `argv`, measured by wait4 on the child."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.stdout.read().decode(), child.stderr.read().decode()
    if status != 0:
        raise SystemExit(f"{argv[0]} {argv[1]} failed: {err.strip()[-800:]}")
    return seconds, usage.ru_maxrss / 1024, out


SKLEARN = r"""
import sys, time, resource
import pandas as pd, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
started = time.perf_counter()
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
y = (frame.pop("Converted") == "1").to_numpy()
frame = frame.drop(columns=["Prospect ID"])
x = pd.DataFrame({c: pd.to_numeric(frame[c].replace("", np.nan), errors="coerce")
                  if pd.to_numeric(frame[c].replace("", np.nan), errors="coerce").notna().sum() == (frame[c] != "").sum()
                  else frame[c].astype("category") for c in frame.columns})
model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0).fit(x, y)
print(f"{time.perf_counter() - started:.2f}")
"""


def main():
    if sys.argv[1:2] == ["--write"]:
        path, mapping, n, seed = sys.argv[2:6]
        return write(path, mapping, int(n), int(seed))
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli", action="append", default=[])
    ap.add_argument("--dir", default="/tmp/mqlscore-scale")
    ap.add_argument("--sklearn", help="a Python with scikit-learn and pandas, to time HistGradientBoosting too")
    args = ap.parse_args()
    clis = args.cli or [os.path.join(ROOT, "target", "release", "mqlscore")]
    sizes = [int(n) for n in args.rows.split(",")]
    print(f"mqlscore train with defaults, 30 columns, seed {args.seed}; seconds and peak resident memory")
    for k, cli in enumerate(clis):
        print(f"  [{k + 1}] {cli}")
    if args.sklearn:
        print(f"  [hgb] scikit-learn HistGradientBoostingClassifier, defaults, in {args.sklearn}")
    for n in sizes:
        path, mapping = export(args.dir, n, args.seed)
        cells = []
        for cli in clis:
            out = os.path.join(args.dir, f"model-{n}.json")
            seconds, mib, printed = run([cli, "train", "--csv", path, "--mapping", mapping, "--out", out])
            model = json.load(open(out))
            rules = len(model.get("fit", {}).get("rules", [])) + len(model.get("engagement", {}).get("rules", []))
            cv = [l for l in printed.splitlines() if "cross-validated" in l and "learned" in l]
            auc = cv[0].split("learned ")[1].split()[0] if cv else "?"
            cells.append(f"{seconds:6.1f} s {mib:6.0f} MiB {rules:3d} rules AUC {auc}")
        if args.sklearn:
            seconds, mib, printed = run([args.sklearn, "-c", SKLEARN, path])
            cells.append(f"{seconds:6.1f} s {mib:6.0f} MiB")
        print(f"{n:>9} rows ({os.path.getsize(path) / 1e6:.0f} MB): " + "  ".join(
            f"[{k + 1 if k < len(clis) else 'hgb'}] {c}" for k, c in enumerate(cells)), flush=True)


if __name__ == "__main__":
    main()
