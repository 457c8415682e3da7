"""skp.py - shared helpers for the end-to-end tests: identity numbers, months, feeds, a
database driven through the skillpay binary, ledger parsing and a TAP reporter.

Python 3 standard library only.  Money is handled in integer fen, never floats.
"""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile

COUNTY = "330723"
PERSON_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PERSON_MAP = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

LEDGER_HEADER = ("line_id,run_month,payee_id,person_id,service_month,kind,line_type,amount,"
                 "funding,rule,clause,appeal")

FEED_COLUMNS = {
    "persons": ["person_id", "name", "retire_group", "retired_on"],
    "employers": ["employer_id", "valid_from", "name", "region", "ownership",
                  "skill_allowance_since", "chief_qualified_since"],
    "employment": ["person_id", "employer_id", "start_date", "end_date", "occupation_code",
                   "appointed_level"],
    "certificates": ["cert_no", "person_id", "occupation_code", "level", "issued_on"],
    "titles": ["person_id", "title", "doc_no", "doc_date"],
    "social_insurance": ["person_id", "month", "employer_id", "region"],
    "enterprise_allowance": ["person_id", "employer_id", "month", "amount"],
    "discipline": ["case_no", "person_id", "decided_on"],
    "chief_craftsmen": ["employer_id", "person_id", "appointed_on", "ended_on"],
    "bank_accounts": ["payee_id", "valid_from", "account_no", "account_name", "bank_code"],
    "parameters": ["name", "effective_from", "value"],
    "paid_history": ["payee_id", "person_id", "month", "kind", "amount"],
}
FEED_KEYS = {
    "persons": ["person_id"],
    "employers": ["employer_id", "valid_from"],
    "employment": ["person_id", "employer_id", "start_date"],
    "certificates": ["cert_no"],
    "titles": ["person_id", "title", "doc_no"],
    "social_insurance": ["person_id", "month", "employer_id"],
    "enterprise_allowance": ["person_id", "employer_id", "month"],
    "discipline": ["case_no"],
    "chief_craftsmen": ["employer_id", "person_id", "appointed_on"],
    "bank_accounts": ["payee_id", "valid_from"],
    "parameters": ["name", "effective_from"],
    "paid_history": ["payee_id", "person_id", "month", "kind"],
}


# ---------------------------------------------------------------- identities

def person_id(birth, seq, male):
    """GB 11643 number for a person of the county born on birth (YYYY-MM-DD); seq 0..499."""
    body = COUNTY + birth.replace("-", "")
    order = (seq * 2) % 1000 + (1 if male else 0)   # digit 17: odd = male
    body += "%03d" % order
    s = sum(int(c) * w for c, w in zip(body, PERSON_WEIGHTS))
    return body + PERSON_MAP[s % 11]


def employer_id(n, region=COUNTY):
    """GB 32100 code: 9 (registered by market regulator), 1 (enterprise), region, 9-char org code."""
    body = "91" + region + "%09d" % n
    s = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_ALPHABET[(31 - s % 31) % 31]


def credit_valid(s):
    """True when s also passes the GB 32100 check (1 in 31 identity numbers do)."""
    if len(s) != 18 or any(c not in CREDIT_ALPHABET for c in s) or not s[2:8].isdigit():
        return False
    t = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(s[:17], CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - t % 31) % 31] == s[17]


# ---------------------------------------------------------------- months and money

def mnum(m):
    """'YYYY-MM' -> months since year 0."""
    return int(m[:4]) * 12 + int(m[5:7]) - 1


def mstr(n):
    return "%04d-%02d" % (n // 12, n % 12 + 1)


def madd(m, k):
    return mstr(mnum(m) + k)


def months(a, b):
    """Inclusive range of months a..b."""
    return [mstr(n) for n in range(mnum(a), mnum(b) + 1)]


def fen(yuan):
    """'-200.00' -> -20000 exactly."""
    neg = yuan.startswith("-")
    y = yuan[1:] if neg else yuan
    whole, _, frac = y.partition(".")
    v = int(whole) * 100 + int((frac + "00")[:2])
    return -v if neg else v


def yuan(f):
    s = "-" if f < 0 else ""
    f = abs(f)
    return "%s%d.%02d" % (s, f // 100, f % 100)


# ---------------------------------------------------------------- TAP

class Tap:
    def __init__(self):
        self.n = 0
        self.passed = 0
        self.failed = 0
        self.failures = []

    def ok(self, cond, name, diag=None):
        self.n += 1
        if cond:
            self.passed += 1
            print("ok %d - %s" % (self.n, name), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name), flush=True)
            if diag:
                for line in str(diag).splitlines():
                    print("#   " + line, flush=True)
            self.failures.append((name, diag))
        return cond

    def eq(self, actual, expected, name):
        return self.ok(actual == expected, name,
                       None if actual == expected else "expected: %r\nactual:   %r" % (expected, actual))

    def sums_eq(self, actual, expected, name, context=""):
        """Compare two {key: fen} maps (zero sums dropped) and print the differing keys."""
        a = {k: v for k, v in actual.items() if v != 0}
        e = {k: v for k, v in expected.items() if v != 0}
        if a == e:
            return self.ok(True, name)
        diff = []
        for k in sorted(set(a) | set(e)):
            if a.get(k, 0) != e.get(k, 0):
                diff.append("%s: expected %s, actual %s" % (
                    ",".join(k), yuan(e.get(k, 0)), yuan(a.get(k, 0))))
        head = [context] if context else []
        more = ["... and %d more" % (len(diff) - 40)] if len(diff) > 40 else []
        return self.ok(False, name, "\n".join(head + diff[:40] + more))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 else 1


# ---------------------------------------------------------------- feeds

def write_feed(path, feed, rows):
    """Write rows (dicts) as a feed CSV; the op column only when some row uses it."""
    cols = list(FEED_COLUMNS[feed])
    if any(r.get("op") for r in rows):
        cols.append("op")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") or "" for c in cols])


def fact_key(feed, row):
    return tuple(row[c] for c in FEED_KEYS[feed])


# ---------------------------------------------------------------- the database

class SkillpayError(Exception):
    pass


class Db:
    """A fresh database in its own temporary folder, driven through the binary."""

    counter = 0

    def __init__(self, binary, root, name="db"):
        Db.counter += 1
        self.bin = binary
        self.dir = os.path.join(root, "%s-%d" % (name, Db.counter))
        os.makedirs(self.dir)
        self.path = os.path.join(self.dir, "skillpay.db")
        self.files = 0
        self.sp_ok("init")

    def sp(self, *args, json_out=False):
        cmd = [self.bin, "--db", self.path]
        if json_out:
            cmd.append("--json")
        cmd += list(args)
        # no configuration: none in the database's folder (the working directory), none from
        # the environment
        env = {k: v for k, v in os.environ.items() if k not in ("SKILLPAY_CONFIG", "SKILLPAY_DB")}
        p = subprocess.run(cmd, cwd=self.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def sp_ok(self, *args, json_out=False):
        rc, out, err = self.sp(*args, json_out=json_out)
        if rc != 0:
            raise SkillpayError("skillpay %s: exit %d: %s" % (" ".join(args), rc, err.strip()[:2000]))
        return out

    def feed_files(self, feeds):
        """feeds: {feed: rows}; writes each to a new folder as FEED.csv, returns the paths."""
        self.files += 1
        d = os.path.join(self.dir, "in-%03d" % self.files)
        os.makedirs(d)
        paths = []
        for feed, rows in feeds.items():
            p = os.path.join(d, feed + ".csv")
            write_feed(p, feed, rows)
            paths.append(p)
        return paths

    def ingest(self, feeds, appeal=None, expect=0):
        paths = self.feed_files(feeds)
        if not paths:
            return 0, "", ""
        args = ["ingest"] + (["--appeal", appeal] if appeal else []) + paths
        rc, out, err = self.sp(*args)
        if expect is not None and rc != expect:
            raise SkillpayError("ingest %s: exit %d (expected %d): %s" % (
                ",".join(feeds), rc, expect, err.strip()[:2000]))
        return rc, out, err

    def run(self, month):
        out = self.sp_ok("run", "--month", month, json_out=True)
        try:
            return json.loads(out)
        except ValueError:
            return {"raw": out}

    def close(self, month):
        return self.sp_ok("close", "--month", month)

    def run_close(self, month):
        j = self.run(month)
        self.close(month)
        return j

    def ledger_text(self):
        return self.sp_ok("ledger")

    def ledger(self):
        text = self.ledger_text()
        return list(csv.DictReader(io.StringIO(text)))

    def sums(self, lines=None):
        """{(payee_id, person_id, service_month, kind): fen} over the ledger."""
        s = {}
        for ln in (self.ledger() if lines is None else lines):
            k = (ln["payee_id"], ln["person_id"], ln["service_month"], ln["kind"])
            s[k] = s.get(k, 0) + fen(ln["amount"])
        return s

    def query(self, sql, params=()):
        con = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def dump(self):
        p = subprocess.run(["sqlite3", self.path, ".dump"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        return p.stdout

    def verify(self):
        rc, out, err = self.sp("verify")
        return rc, err


def make_root():
    return tempfile.mkdtemp(prefix="skillpay-e2e.")


def remove_root(root):
    shutil.rmtree(root, ignore_errors=True)
