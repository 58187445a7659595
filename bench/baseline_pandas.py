#!/usr/bin/python3
"""bench/baseline_pandas.py - peer baseline (b): the benchmark's scoring
rules in Python with pandas (Debian's python3-pandas) over leadq's SQLite
tables, as a data team would write them.

    baseline_pandas.py DB NOW_MS HL PP PMAX DP DMAX WEXP OUT.csv

computes every lead's score at NOW_MS (same parameters as
bench/baseline.sql) and writes lead_id,score,grade to OUT.csv. Prints the
seconds spent reading and computing (the CSV writing is not counted)."""
import sqlite3
import sys
import time

import numpy as np
import pandas as pd


def main():
    db, now, hl, pp, pmax, dp, dmax, wexp, out = sys.argv[1:10]
    now, hl, wexp = int(now), float(hl), int(wexp)
    pp, pmax, dp, dmax = float(pp), float(pmax), float(dp), float(dmax)
    t0 = time.monotonic()
    con = sqlite3.connect(db)
    leads = pd.read_sql_query(
        "SELECT l.id AS lead_id, l.email_domain, l.title, l.seniority, l.source,"
        " a.employees, a.industry, a.tech FROM leads l"
        " LEFT JOIN accounts a ON a.id = l.account_id", con)
    ev = pd.read_sql_query("SELECT lead_id, at, type, props FROM events_main", con)
    con.close()

    low = lambda s: s.fillna("").str.lower()
    fit = (np.where(leads.employees.between(50, 750), 20, 0)
           + np.where(low(leads.industry).isin(["software", "saas", "internet"]), 15, 0)
           + np.where(low(leads.tech).str.contains('"salesforce"', regex=False), 10, 0)
           + np.where(low(leads.seniority).isin(["vp", "c_level", "director"]), 15, 0)
           + np.where(low(leads.email_domain).isin(
               ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com"]), -30, 0)
           + np.where(low(leads.title).str.contains("procurement|purchasing"), -20, 0))
    channel = np.where(low(leads.source) == "referral", 10, 0)

    age = (now - ev["at"].to_numpy()).astype(np.float64)
    decay = np.power(2.0, -age / hl)
    url = ev.props.str.extract(r'"url":"([^"]*)"', expand=False).fillna("").str.lower()
    t = ev.type
    rules = [  # (mask, points, cap)
        ((t == "page_view") & url.str.contains("/pricing", regex=False), pp, pmax),
        (t == "page_view", 1.0, 10.0),
        (t == "content_download", dp, dmax),
        (t == "email_click", 2.0, 10.0),
        ((t == "webinar_attended") & (age < wexp), 15.0, None),
        (t == "demo_request", 40.0, None),
        (t == "contact_sales", 40.0, None),
    ]
    eng = pd.Series(0.0, index=leads.lead_id)
    for mask, pts, cap in rules:
        s = pd.Series(np.where(mask, pts * decay, 0.0)).groupby(ev.lead_id).sum()
        if cap is not None:
            s = s.clip(upper=cap)
        eng = eng.add(s, fill_value=0.0)
    score = fit + channel + eng.reindex(leads.lead_id).to_numpy()
    grade = np.select([fit >= 50, fit >= 30, fit >= 15, fit >= 0],
                      ["A", "B", "C", "D"], "F")
    res = pd.DataFrame({"lead_id": leads.lead_id, "score": score, "grade": grade})
    elapsed = time.monotonic() - t0
    res.to_csv(out, index=False, float_format="%.9f")
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
