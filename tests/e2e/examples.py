#!/usr/bin/env python3
"""examples.py - RULES.md section 8 worked examples 1-7 and the boundaries, end to end
through the CLI (init, ingest, run, close, ledger, verify).

Usage: examples.py SKILLPAY        prints TAP lines and "N passed, M failed".
"""
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skp import (Db, Tap, LEDGER_HEADER, person_id, employer_id, months, mnum, fen, yuan,
                 make_root, remove_root)  # noqa: E402
from facts import Facts  # noqa: E402

T = Tap()
BIN = None
ROOT = None

RULE_OF_KIND = {
    "TOP": ("R2", "二.1"), "STAR": ("R3", "二.2"), "ACE": ("R3", "二.2"),
    "SRTECH": ("R4", "二.10"), "TECH": ("R4", "二.10"), "CHIEF": ("R13", "二.4"),
    "TOP_AWARD": ("R7", None), "STAR_AWARD": ("R7", None), "ACE_AWARD": ("R7", None),
}

E1 = employer_id(70467281)            # 浙江恒达五金工具有限公司, eligible
E1_NAME = "浙江恒达五金工具有限公司"
E_AWAY = employer_id(11111111, "330702")   # an employer in another county (婺城区)


def expect(payee, person, kind, ms, amount_fen, into=None):
    d = {} if into is None else into
    for m in ms:
        k = (payee, person, m, kind)
        d[k] = d.get(k, 0) + amount_fen
    return d


def upto(expected, last):
    return {k: v for k, v in expected.items() if mnum(k[2]) <= mnum(last)}


def lines_of(ledger, run_month=None, person=None, payee=None):
    return [ln for ln in ledger
            if (run_month is None or ln["run_month"] == run_month)
            and (person is None or ln["person_id"] == person)
            and (payee is None or ln["payee_id"] == payee)]


def brief(lines):
    return sorted((ln["service_month"], ln["kind"], ln["line_type"], ln["amount"], ln["appeal"])
                  for ln in lines)


def payments(db, payee, run_month=None):
    sql = "SELECT run_month, amount_fen FROM payments WHERE payee_id = ?"
    args = [payee]
    if run_month:
        sql += " AND run_month = ?"
        args.append(int(run_month.replace("-", "")))
    return sorted(db.query(sql + " ORDER BY payment_id", args))


def draft_payments(db, payee, run_month):
    return db.query("SELECT amount_fen, hold_reason FROM draft_payments WHERE payee_id = ? AND run_month = ?",
                    (payee, int(run_month.replace("-", ""))))


def common_checks(db, label):
    """verify exits 0; the ledger CSV's header, ids, order and rule/clause/funding columns."""
    rc, err = db.verify()
    T.eq(rc, 0, "%s: verify exits 0%s" % (label, "" if rc == 0 else " (" + err.strip()[:200] + ")"))
    text = db.ledger_text()
    rows = text.split("\n")
    T.ok(text.endswith("\n") and "\r" not in text and not text.startswith("\ufeff"),
         "%s: ledger CSV is UTF-8 without BOM with LF line ends" % label)
    T.eq(rows[0], LEDGER_HEADER, "%s: ledger header exactly as CLI.md" % label)
    ledger = db.ledger()
    ids = [int(ln["line_id"]) for ln in ledger]
    T.eq(ids, list(range(1, len(ids) + 1)), "%s: line_id 1..%d in posting order" % (label, len(ids)))
    runs = [mnum(ln["run_month"]) for ln in ledger]
    T.ok(runs == sorted(runs), "%s: run_month never decreases along the ledger" % label)
    bad = []
    prev = None
    for ln in ledger:
        key = (ln["run_month"], ln["payee_id"], ln["person_id"], ln["service_month"], ln["kind"],
               ln["line_type"])
        if prev is not None and prev[0] == key[0] and prev > key:
            bad.append("line %s %r after %r" % (ln["line_id"], key[1:], prev[1:]))
        prev = key
    T.ok(not bad, "%s: within a close, lines by payee_id, person_id, service_month, kind, line_type" % label,
         "\n".join(bad[:10]))
    bad = []
    for ln in ledger:
        rule, clause = RULE_OF_KIND.get(ln["kind"], ("?", "?"))
        if ln["line_type"] == "opening":
            rule, clause = "R9", None
        if (ln["rule"] != rule or (clause is not None and ln["clause"] != clause)
                or ln["funding"] != "TALENT" or ln["line_type"] not in ("regular", "retro", "award", "opening")):
            bad.append("line %s: %s %s rule %s clause %s funding %s" % (
                ln["line_id"], ln["kind"], ln["line_type"], ln["rule"], ln["clause"], ln["funding"]))
        if ln["line_type"] == "award" and not ln["kind"].endswith("_AWARD"):
            bad.append("line %s: award line of kind %s" % (ln["line_id"], ln["kind"]))
        if ln["kind"].endswith("_AWARD") and ln["line_type"] not in ("award", "opening"):
            bad.append("line %s: %s line of type %s" % (ln["line_id"], ln["kind"], ln["line_type"]))
        if ln["line_type"] == "regular" and ln["service_month"] != ln["run_month"]:
            bad.append("line %s: regular line for %s in run %s" % (ln["line_id"], ln["service_month"], ln["run_month"]))
        if ln["line_type"] == "retro" and mnum(ln["service_month"]) >= mnum(ln["run_month"]):
            bad.append("line %s: retro line for %s in run %s" % (ln["line_id"], ln["service_month"], ln["run_month"]))
        if ln["payee_id"] != ln["person_id"] and ln["kind"] != "CHIEF":
            bad.append("line %s: %s paid to %s" % (ln["line_id"], ln["kind"], ln["payee_id"]))
    T.ok(not bad, "%s: line_type, rule, clause and funding of every line as CLI.md" % label, "\n".join(bad[:10]))
    return ledger


# ================================================================ example 1

def tech_facts(pid, name, cert="1733000000201917", **kw):
    f = Facts().employer(E1, E1_NAME)
    f.technician(pid, name, E1, cert, **kw)
    return f


def ex1():
    p = person_id("1984-06-12", 111, True)
    f = tech_facts(p, "徐建明")
    exp = expect(p, p, "TECH", months("2022-04", "2025-03"), 20000)

    db = Db(BIN, ROOT, "ex1")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    T.sums_eq(s, exp, "ex1: one close 2026-11: TECH 200.00 for 2022-04..2025-03 and nothing else")
    T.eq(s.get((p, p, "2022-03", "TECH"), 0), 0, "ex1: 2022-03 (364 days since 2021-03-10) not paid")
    T.eq(s.get((p, p, "2025-03", "TECH"), 0), 20000, "ex1: cap month 36 (2025-03) paid")
    T.eq(s.get((p, p, "2025-04", "TECH"), 0), 0, "ex1: cap month 37 (2025-04) not paid")
    led = db.ledger()
    types = sorted(set((ln["line_type"], ln["run_month"]) for ln in led))
    T.eq(types, [("retro", "2026-11")], "ex1: a first close posts all arrears as retro lines")
    T.eq(payments(db, p), [(202611, 36 * 20000)], "ex1: one payment of 7200.00 at the first close")
    common_checks(db, "ex1")

    # month by month from the policy start
    db = Db(BIN, ROOT, "ex1m")
    db.ingest(f.feeds())
    bad = []
    for m in months("2021-08", "2025-05"):
        db.run_close(m)
        led = db.ledger()
        got = brief(lines_of(led, run_month=m))
        want = [(m, "TECH", "regular", "200.00", "")] if m in exp_months(exp) else []
        if got != want:
            bad.append("close %s: expected %r, got %r" % (m, want, got))
        if m in ("2022-03", "2022-04", "2025-03", "2025-04", "2025-05"):
            if db.sums(led) != upto(exp, m):
                bad.append("sums after %s differ" % m)
    T.ok(not bad, "ex1: monthly closes 2021-08..2025-05 post exactly one regular 200.00 line in 2022-04..2025-03",
         "\n".join(bad[:10]))
    T.sums_eq(db.sums(), upto(exp, "2025-05"), "ex1: monthly closes: sums equal the entitlement")
    pays = payments(db, p)
    T.ok(len(pays) == 36 and all(a == 20000 for _, a in pays)
         and pays[0][0] == 202204 and pays[-1][0] == 202503,
         "ex1: monthly closes: 36 payments of 200.00, 2022-04..2025-03", repr(pays[:3]) + "..." + repr(pays[-3:]))
    common_checks(db, "ex1 monthly")


def exp_months(exp):
    return set(k[2] for k, v in exp.items() if v)


# ================================================================ example 2

def ex2():
    p = person_id("1986-11-03", 487, True)
    f = Facts().employer(E1, E1_NAME)
    f.person(p, "朱志强").bank(p, "朱志强", 2)
    f.cert("1733000000201923", p, 2, "2021-03-10")
    f.cert("1733000000230615", p, 1, "2023-06-15")
    f.spell(p, E1, "2019-05-01", "2023-06-30")
    f.spell(p, E1, "2023-07-01", "", level=1)
    f.insured(p, E1, "2021-01", "2026-11").allowance(p, E1, "2021-01", "2026-11")
    exp = expect(p, p, "TECH", months("2022-04", "2023-06"), 20000)
    expect(p, p, "SRTECH", months("2023-07", "2026-06"), 30000, exp)

    db = Db(BIN, ROOT, "ex2")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    T.sums_eq(s, exp, "ex2: TECH 2022-04..2023-06 (15), SRTECH 2023-07..2026-06 (36), no TECH after")
    T.eq(sum(1 for k in s if k[3] == "TECH" and s[k]), 15, "ex2: 15 TECH months")
    T.eq(sum(1 for k in s if k[3] == "SRTECH" and s[k]), 36, "ex2: 36 SRTECH months")
    common_checks(db, "ex2")

    db = Db(BIN, ROOT, "ex2m")
    db.ingest(f.feeds())
    bad = []
    for m in months("2023-05", "2026-11"):
        db.run_close(m)
        if m in ("2023-05", "2023-06", "2023-07", "2023-08", "2026-06", "2026-07", "2026-11"):
            led = db.ledger()
            if db.sums(led) != upto(exp, m):
                bad.append("sums after %s differ: %r" % (m, brief(lines_of(led, run_month=m))))
    led = db.ledger()
    T.ok(not bad, "ex2: monthly closes 2023-05..2026-11 keep the sums equal to the entitlement", "\n".join(bad))
    T.eq(brief(lines_of(led, run_month="2023-07")), [("2023-07", "SRTECH", "regular", "300.00", "")],
         "ex2: the 2023-07 close posts SRTECH regular 300.00 only")
    T.eq(brief(lines_of(led, run_month="2026-07")), [], "ex2: the 2026-07 close posts nothing (SRTECH cap, no TECH)")
    common_checks(db, "ex2 monthly")


# ================================================================ example 3

def ex3():
    p = person_id("1979-08-25", 85, True)
    f = tech_facts(p, "王海军", cert="1733000000210001")
    f.title(p, "top_talent", "武委人〔2022〕15号", "2022-09-20")
    exp = expect(p, p, "TECH", months("2022-04", "2022-09"), 20000)
    expect(p, p, "TOP", months("2022-10", "2025-09"), 50000, exp)
    expect(p, p, "TOP_AWARD", ["2022-10"], 600000, exp)
    expect(p, p, "TECH", months("2025-10", "2026-11"), 20000, exp)

    db = Db(BIN, ROOT, "ex3")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    T.sums_eq(s, exp, "ex3: TECH 2022-04..09, TOP 2022-10..2025-09 + TOP_AWARD 6000.00, TECH again 2025-10..")
    T.eq(sum(1 for k in s if k[3] == "TOP" and s[k]), 36, "ex3: 36 TOP months")
    award = [ln for ln in db.ledger() if ln["kind"] == "TOP_AWARD"]
    T.eq([(ln["service_month"], ln["line_type"], ln["amount"], ln["rule"], ln["funding"]) for ln in award],
         [("2022-10", "award", "6000.00", "R7", "TALENT")], "ex3: one award line TOP_AWARD 6000.00, line_type award, R7")
    T.eq(award[0]["clause"] if award else None, "二.1", "ex3: the TOP_AWARD line cites 二.1")
    common_checks(db, "ex3")

    db = Db(BIN, ROOT, "ex3m")
    db.ingest(f.feeds())
    for m in months("2022-08", "2022-11"):
        db.run_close(m)
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2022-10")),
         [("2022-10", "TOP", "regular", "500.00", ""), ("2022-10", "TOP_AWARD", "award", "6000.00", "")],
         "ex3: the 2022-10 close posts TOP regular 500.00 and TOP_AWARD award 6000.00, TECH suppressed")
    T.eq(payments(db, p, "2022-10"), [(202210, 650000)], "ex3: the 2022-10 payment is 6500.00")
    T.sums_eq(db.sums(led), upto(exp, "2022-11"), "ex3: monthly closes to 2022-11: sums equal the entitlement")
    common_checks(db, "ex3 monthly")


# ================================================================ example 4

def ex4():
    f = Facts().employer(E1, E1_NAME).employer(E_AWAY, "金华市婺城区某公司", region="330702")
    doc = ("武委人〔2021〕32号", "2021-12-15")
    moved = person_id("1982-02-14", 259, True)       # insured only in 330702 for 2023-05
    gap = person_id("1980-03-03", 12, True)          # no row at all for 2022-06: unpaid only
    both = person_id("1981-04-04", 13, True)         # rows in both regions for 2023-05: local
    disc = person_id("1983-12-01", 535, True)        # discipline decided 2023-02-10
    before = person_id("1983-12-02", 14, True)       # discipline before the title: no effect
    exp = {}
    for i, p in enumerate((moved, gap, both, disc, before)):
        f.person(p, "拔尖%d" % i).bank(p, "拔尖%d" % i, 40 + i)
        f.title(p, "top_talent", doc[0], doc[1])
        expect(p, p, "TOP_AWARD", ["2022-01"], 600000, exp)
    f.insured(moved, E1, "2021-01", "2026-11", skip=("2023-05",))
    f.insured(moved, E_AWAY, "2023-05", "2023-05", region="330702")
    expect(moved, moved, "TOP", months("2022-01", "2023-04"), 50000, exp)
    f.insured(gap, E1, "2021-01", "2026-11", skip=("2022-06",))
    expect(gap, gap, "TOP", [m for m in months("2022-01", "2024-12") if m != "2022-06"], 50000, exp)
    f.insured(both, E1, "2021-01", "2026-11")
    f.insured(both, E_AWAY, "2023-05", "2023-05", region="330702")
    expect(both, both, "TOP", months("2022-01", "2024-12"), 50000, exp)
    f.insured(disc, E1, "2021-01", "2026-11")
    f.add("discipline", case_no="武监处〔2023〕7号", person_id=disc, decided_on="2023-02-10")
    expect(disc, disc, "TOP", months("2022-01", "2023-02"), 50000, exp)
    f.insured(before, E1, "2021-01", "2026-11")
    f.add("discipline", case_no="武监处〔2021〕3号", person_id=before, decided_on="2021-11-30")
    expect(before, before, "TOP", months("2022-01", "2024-12"), 50000, exp)

    db = Db(BIN, ROOT, "ex4")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    T.sums_eq(s, exp, "ex4: TOP window 2022-01..2024-12; moved away 2023-05 ends it for good; "
              "a month without insurance is only unpaid; discipline terminates from the next month")
    T.eq([k[2] for k in sorted(s) if k[0] == moved and k[3] == "TOP" and s[k]][-1:], ["2023-04"],
         "ex4: the moved person's last TOP month is 2023-04")
    common_checks(db, "ex4")


# ================================================================ example 5

def ex5():
    p = person_id("1988-05-17", 235, True)
    f = tech_facts(p, "李建国", cert="1733000000210005", skip_si=("2024-03",))
    exp = expect(p, p, "TECH", months("2022-04", "2025-03"), 20000)
    db = Db(BIN, ROOT, "ex5")
    db.ingest(f.feeds())
    db.run_close("2024-02")
    db.run_close("2024-03")
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2024-03")), [], "ex5: 2024-03 without its insurance row pays nothing")
    T.eq(payments(db, p, "2024-03"), [], "ex5: no payment in 2024-03")
    late = Facts().insured(p, E1, "2024-03", "2024-03")
    db.ingest(late.feeds())
    j = db.run("2024-04")
    rows = db.query("SELECT service_month, kind, line_type, amount_fen FROM draft_lines"
                    " WHERE run_month = 202404 AND person_id = ? ORDER BY service_month", (p,))
    T.eq(rows, [(202403, "TECH", "retro", 20000), (202404, "TECH", "regular", 20000)],
         "ex5: the 2024-04 draft holds retro +200.00 for 2024-03 and regular +200.00 for 2024-04")
    db.close("2024-04")
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2024-04")),
         [("2024-03", "TECH", "retro", "200.00", ""), ("2024-04", "TECH", "regular", "200.00", "")],
         "ex5: the 2024-04 close posts exactly retro +200.00 (2024-03) and regular +200.00 (2024-04)")
    T.eq(payments(db, p, "2024-04"), [(202404, 40000)], "ex5: the 2024-04 payment is 400.00")
    T.sums_eq(db.sums(led), upto(exp, "2024-04"), "ex5: sums equal the entitlement up to 2024-04")
    common_checks(db, "ex5")


# ================================================================ example 6

def ex6():
    p = person_id("1990-01-01", 301, True)
    cert = "1733000000210006"
    f = tech_facts(p, "陈志华", cert=cert)
    db = Db(BIN, ROOT, "ex6")
    db.ingest(f.feeds())
    db.run_close("2022-08")    # 2022-04 .. 2022-08: five paid months
    T.eq(payments(db, p), [(202208, 100000)], "ex6: five months paid: 1000.00 at the 2022-08 close")
    ref = "武人社复〔2022〕9号"
    retract = Facts().add("certificates", cert_no=cert, op="retract")
    db.ingest(retract.feeds(), appeal=ref)
    j = db.run("2022-09")
    rows = db.query("SELECT service_month, kind, line_type, amount_fen, appeal FROM draft_lines"
                    " WHERE run_month = 202209 AND person_id = ? ORDER BY service_month", (p,))
    T.eq(rows, [(m, "TECH", "retro", -20000, ref) for m in (202204, 202205, 202206, 202207, 202208)],
         "ex6: the next run drafts five retro -200.00 lines tagged with the appeal")
    T.eq(draft_payments(db, p, "2022-09"), [], "ex6: the draft makes no payment for the payee")
    T.eq(j.get("payments"), 0, "ex6: run --json reports 0 payments")
    db.close("2022-09")
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2022-09")),
         [(m, "TECH", "retro", "-200.00", ref) for m in months("2022-04", "2022-08")],
         "ex6: the 2022-09 close posts five retro -200.00 lines with appeal " + ref)
    T.eq(payments(db, p, "2022-09"), [], "ex6: no payment in 2022-09")
    posted = sum(fen(ln["amount"]) for ln in lines_of(led, payee=p))
    paid = sum(a for _, a in payments(db, p))
    T.eq(yuan(posted - paid), "-1000.00", "ex6: the balance is -1000.00")
    T.sums_eq(db.sums(led), {}, "ex6: every month nets to zero after the retraction")
    db.run_close("2022-10")
    T.eq(payments(db, p, "2022-10"), [], "ex6: still no transfer in 2022-10 (nothing due)")
    # the appeal is reversed: the certificate comes back; the debt is recovered first
    ref2 = "武人社复〔2022〕11号"
    # (op=upsert spelled out: a file byte-identical to the first delivery would be skipped)
    restore = Facts().cert(cert, p, 2, "2021-03-10")
    restore.rows["certificates"][0]["op"] = "upsert"
    db.ingest(restore.feeds(), appeal=ref2)
    db.run_close("2022-11")
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2022-11")),
         [(m, "TECH", "retro", "200.00", ref2) for m in months("2022-04", "2022-10")]
         + [("2022-11", "TECH", "regular", "200.00", ref2)],
         "ex6: restoring the certificate posts 7 retro +200.00 and the regular line, tagged " + ref2)
    T.eq(payments(db, p, "2022-11"), [(202211, 60000)],
         "ex6: the 2022-11 payment is 1600.00 - 1000.00 debt = 600.00")
    T.sums_eq(db.sums(led), expect(p, p, "TECH", months("2022-04", "2022-11"), 20000),
              "ex6: sums equal the entitlement after the reversal")
    common_checks(db, "ex6")


# ================================================================ example 7

def ex7():
    f = Facts().employer(E1, E1_NAME)
    cases = [
        # (birth, seq, male, group, retired_on, last paid month, label)
        ("1965-01-10", 397, True, "M60", "", "2025-02", "man born 1965-01-10 (60y+1m: 2025-02-10)"),
        ("1964-12-15", 21, True, "M60", "", "2024-12", "man born 1964-12-15 (no delay: 2024-12-15)"),
        ("1975-02-20", 22, False, "F50", "", "2025-03", "F50 born 1975-02-20 (delay 1: 2025-03-20)"),
        ("1970-01-05", 23, False, "F55", "", "2025-02", "F55 born 1970-01-05 (delay 1: 2025-02-05)"),
        ("1980-07-07", 24, True, "M60", "2024-06-15", "2024-06", "retired_on 2024-06-15"),
        ("1980-07-08", 25, True, "M60", "2024-06-01", "2024-05", "retired_on 2024-06-01"),
    ]
    exp = {}
    for i, (birth, seq, male, group, ret, last, label) in enumerate(cases):
        p = person_id(birth, seq, male)
        f.person(p, "退休%d" % i, group, ret).bank(p, "退休%d" % i, 70 + i)
        f.cert("17330000002300%02d" % i, p, 2, "2023-01-01")
        f.spell(p, E1, "2019-05-01")
        f.insured(p, E1, "2021-01", "2026-11").allowance(p, E1, "2021-01", "2026-11")
        expect(p, p, "TECH", months("2024-01", last), 20000, exp)
    db = Db(BIN, ROOT, "ex7")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    for i, (birth, seq, male, group, ret, last, label) in enumerate(cases):
        p = person_id(birth, seq, male)
        mine = {k: v for k, v in s.items() if k[1] == p}
        want = {k: v for k, v in exp.items() if k[1] == p}
        T.sums_eq(mine, want, "ex7: %s: TECH 2024-01..%s" % (label, last))
    common_checks(db, "ex7")


# ================================================================ service-day boundary

def service_days():
    e2 = employer_id(20210701)
    f = Facts().employer(E1, E1_NAME)
    f.employer(e2, "浙江某省属企业", valid_from="2000-01-01", ownership="provincial")
    f.employer(e2, "武义某公司", valid_from="2021-07-01", ownership="local")
    a = person_id("1985-01-01", 31, True)
    b = person_id("1985-01-02", 32, True)
    c = person_id("1985-01-03", 33, True)
    d = person_id("1985-01-04", 34, True)
    exp = {}
    for i, p in enumerate((a, b, c, d)):
        f.person(p, "服务%d" % i).bank(p, "服务%d" % i, 90 + i)
        f.cert("17330000002100%02d" % (30 + i), p, 2, "2021-03-01" if p in (a, b) else "2020-06-01")
    f.spell(a, E1, "2022-03-01")           # day 365 on 2023-03-01: first month 2023-03
    f.spell(b, E1, "2022-03-02")           # day 364 on 2023-03-01: first month 2023-04
    f.spell(c, E1, "2021-01-01", "2021-06-30")
    f.spell(c, E1, "2021-06-01", "2021-12-30")   # overlapping spells: 364 distinct days
    f.spell(c, E1, "2022-03-01")                 # + 31 days by 2022-04-01
    f.spell(d, e2, "2019-01-01")           # only days from 2021-07-01 (local) count
    for p, e in ((a, E1), (b, E1), (c, E1), (d, e2)):
        f.insured(p, e, "2021-01", "2026-11").allowance(p, e, "2021-01", "2026-11")
    expect(a, a, "TECH", months("2023-03", "2026-02"), 20000, exp)
    expect(b, b, "TECH", months("2023-04", "2026-03"), 20000, exp)
    expect(c, c, "TECH", months("2022-04", "2025-03"), 20000, exp)
    expect(d, d, "TECH", months("2022-07", "2025-06"), 20000, exp)
    db = Db(BIN, ROOT, "days")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    for p, label in ((a, "365 days on d(2023-03): first month 2023-03"),
                     (b, "364 days on d(2023-03): first month 2023-04"),
                     (c, "overlapping spells count once (364 days), then 2022-04"),
                     (d, "days at a provincial employer do not count: first month 2022-07")):
        T.sums_eq({k: v for k, v in s.items() if k[1] == p}, {k: v for k, v in exp.items() if k[1] == p},
                  "service days: " + label)
    common_checks(db, "service days")


# ================================================================ more conditions of R4, R5, R7, R13

def more_rules():
    e2 = employer_id(30000002)
    e3 = employer_id(30000003)
    ec1 = employer_id(30000011)
    ec2 = employer_id(30000012)
    f = Facts().employer(E1, E1_NAME).employer(e2, "武义二厂").employer(e3, "武义三厂", skill_since="2023-01-01")
    f.employer(ec1, "武义首席一厂", chief_since="2021-01-01").employer(ec2, "武义首席二厂", chief_since="2021-01-01")
    exp = {}
    cases = []

    def tech(p, label, eid=E1, **kw):
        f.person(p, label).bank(p, label, 200 + len(cases))
        f.cert("C%s" % p[-8:], p, 2, "2021-03-10")
        f.spell(p, eid, "2019-05-01")
        cases.append((p, label))

    a = person_id("1986-01-01", 41, True)      # R4d: insured by another employer
    tech(a, "R4d: insured by another county employer than the spell's: never TECH")
    f.insured(a, e2, "2021-01", "2026-11").allowance(a, E1, "2021-01", "2026-11")
    b1 = person_id("1986-01-02", 42, True)     # R4e: allowance 0.00 in 2022-06
    tech(b1, "R4e: enterprise allowance 0.00 in 2022-06: unpaid, cap ends 2025-04")
    f.insured(b1, E1, "2021-01", "2026-11").allowance(b1, E1, "2021-01", "2026-11", skip=("2022-06",))
    f.allowance(b1, E1, "2022-06", "2022-06", "0.00")
    expect(b1, b1, "TECH", [m for m in months("2022-04", "2025-04") if m != "2022-06"], 20000, exp)
    b2 = person_id("1986-01-03", 43, True)     # R4e: skill_allowance_since 2023-01-01
    tech(b2, "R4e: employer's skill_allowance_since 2023-01-01: TECH 2023-01..2025-12", e3)
    f.insured(b2, e3, "2021-01", "2026-11").allowance(b2, e3, "2021-01", "2026-11")
    expect(b2, b2, "TECH", months("2023-01", "2025-12"), 20000, exp)
    c = person_id("1986-01-04", 44, True)      # R4f: discipline 2023-02-10, 12 months
    tech(c, "R4f: discipline 2023-02-10: no TECH 2023-03..2024-02, cap counts paid months only")
    f.insured(c, E1, "2021-01", "2026-11").allowance(c, E1, "2021-01", "2026-11")
    f.add("discipline", case_no="武监处〔2023〕11号", person_id=c, decided_on="2023-02-10")
    expect(c, c, "TECH", months("2022-04", "2023-02") + months("2024-03", "2026-03"), 20000, exp)
    t = person_id("1986-01-05", 45, True)      # R5 tie: ACE 200 before TECH 200
    tech(t, "R5 tie: ACE 200.00 is paid before TECH 200.00, TECH resumes after the window")
    f.insured(t, E1, "2021-01", "2026-11").allowance(t, E1, "2021-01", "2026-11")
    f.title(t, "skill_ace", "武人社〔2022〕30号", "2022-09-20")
    expect(t, t, "TECH", months("2022-04", "2022-09") + months("2025-10", "2026-11"), 20000, exp)
    expect(t, t, "ACE", months("2022-10", "2025-09"), 20000, exp)
    expect(t, t, "ACE_AWARD", ["2022-10"], 100000, exp)

    d = person_id("1987-03-03", 46, True)      # R7 duplicate designation
    f.person(d, "标兵").bank(d, "标兵", 260)
    f.insured(d, E1, "2021-01", "2026-11")
    f.title(d, "skill_star", "武人社〔2022〕5号", "2022-05-10")
    f.title(d, "skill_star", "武人社〔2023〕1号", "2023-01-01")
    expect(d, d, "STAR", months("2022-06", "2025-12"), 30000, exp)
    expect(d, d, "STAR_AWARD", ["2022-06"], 200000, exp)
    cases.append((d, "R3/R7: two overlapping STAR windows pay STAR once a month and one award only"))
    o = person_id("1987-03-04", 47, True)      # R7: designation before the policy start
    f.person(o, "能手").bank(o, "能手", 261)
    f.insured(o, E1, "2021-01", "2026-11")
    f.title(o, "skill_ace", "武人社〔2020〕8号", "2020-03-15")
    expect(o, o, "ACE", months("2021-08", "2023-03"), 20000, exp)
    cases.append((o, "R0/R7: ACE dated 2020-03-15 pays 2021-08..2023-03 and no award"))
    h = person_id("1987-03-05", 48, True)      # R2a counts from 2021-08 only
    f.person(h, "拔尖").bank(h, "拔尖", 262)
    f.insured(h, E1, "2020-01", "2026-11", skip=("2021-03",))
    f.insured(h, E_AWAY, "2021-03", "2021-03", region="330702")
    f.title(h, "top_talent", "武委人〔2020〕2号", "2020-06-01")
    expect(h, h, "TOP", months("2021-08", "2023-05"), 50000, exp)
    cases.append((h, "R2a: insured elsewhere in 2021-03 (before 2021-08) does not terminate TOP"))

    q = person_id("1975-05-05", 49, True)      # R13 step 2: chief of two employers
    q3 = person_id("1975-05-06", 50, True)
    f.person(q, "双首席").person(q3, "后首席")
    for e, n in ((ec1, 270), (ec2, 271)):
        f.bank(e, "武义首席一厂" if e == ec1 else "武义首席二厂", n)
        f.insured(q, e, "2021-01", "2026-11").allowance(q, e, "2021-01", "2026-11", "1000.00")
    f.insured(q3, ec2, "2021-01", "2026-11").allowance(q3, ec2, "2021-01", "2026-11", "1000.00")
    f.add("chief_craftsmen", employer_id=ec1, person_id=q, appointed_on="2021-09-01", ended_on="")
    f.add("chief_craftsmen", employer_id=ec2, person_id=q, appointed_on="2021-10-01", ended_on="")
    f.add("chief_craftsmen", employer_id=ec2, person_id=q3, appointed_on="2022-01-01", ended_on="")
    expect(ec1, q, "CHIEF", months("2021-09", "2026-11"), 30000, exp)
    cases.append((q, "R13: chief of two employers: only the earliest appointment is subsidised"))
    cases.append((q3, "R13: the other employer does not fall back to its later chief"))

    db = Db(BIN, ROOT, "rules")
    db.ingest(f.feeds())
    db.run_close("2026-11")
    s = db.sums()
    for p, label in cases:
        T.sums_eq({k: v for k, v in s.items() if k[1] == p}, {k: v for k, v in exp.items() if k[1] == p}, label)
    common_checks(db, "more rules")


def parameter_change():
    p = person_id("1984-06-12", 170, True)
    f = tech_facts(p, "调标", cert="1733000000210170")
    db = Db(BIN, ROOT, "param")
    db.ingest(f.feeds())
    db.run_close("2024-02")
    db.ingest({"parameters": [{"name": "TECH.monthly", "effective_from": "2024-01-01", "value": "25000"}]})
    db.run_close("2024-03")
    led = db.ledger()
    T.eq(brief(lines_of(led, run_month="2024-03")),
         [("2024-01", "TECH", "retro", "50.00", ""), ("2024-02", "TECH", "retro", "50.00", ""),
          ("2024-03", "TECH", "regular", "250.00", "")],
         "parameters: TECH.monthly 25000 from 2024-01-01, ingested late: retro +50.00 twice, regular 250.00")
    exp = expect(p, p, "TECH", months("2022-04", "2023-12"), 20000)
    expect(p, p, "TECH", months("2024-01", "2024-03"), 25000, exp)
    T.sums_eq(db.sums(led), exp, "parameters: sums equal the entitlement at the dated rates")
    common_checks(db, "parameters")


# ================================================================ go-live: paid_history

def opening():
    p = person_id("1984-06-12", 150, True)
    f = tech_facts(p, "周永强", cert="1733000000210099")
    hist = Facts()
    for m in months("2022-04", "2022-12"):
        hist.add("paid_history", payee_id=p, person_id=p, month=m, kind="TECH", amount="200.00")
    hist.add("paid_history", payee_id=p, person_id=p, month="2023-01", kind="TECH", amount="150.00")
    hist.add("paid_history", payee_id=p, person_id=p, month="2021-09", kind="TECH", amount="200.00")
    exp = expect(p, p, "TECH", months("2022-04", "2023-03"), 20000)

    db = Db(BIN, ROOT, "opening")
    db.ingest(f.feeds())
    db.ingest(hist.feeds())
    db.run("2023-03")
    rows = db.query("SELECT service_month, line_type, amount_fen FROM draft_lines WHERE run_month = 202303"
                    " AND person_id = ? AND line_type <> 'opening' ORDER BY service_month", (p,))
    T.eq(rows, [(202109, "retro", -20000), (202301, "retro", 5000), (202302, "retro", 20000),
                (202303, "regular", 20000)],
         "go-live: the first run posts only the difference to paid_history")
    T.eq(draft_payments(db, p, "2023-03"), [(25000, None)], "go-live: the first run pays 250.00")
    db.close("2023-03")
    led = db.ledger()
    op = lines_of(led, person=p)
    op = [ln for ln in op if ln["line_type"] == "opening"]
    want = sorted([(m, "TECH", "opening", "200.00", "") for m in months("2022-04", "2022-12")]
                  + [("2023-01", "TECH", "opening", "150.00", ""), ("2021-09", "TECH", "opening", "200.00", "")])
    T.eq(brief(op), want, "go-live: paid_history became 11 opening lines")
    T.ok(op and all(ln["rule"] == "R9" and ln["run_month"] == "2023-03" for ln in op),
         "go-live: opening lines have rule R9 and run_month = the first month closed")
    T.sums_eq(db.sums(led), exp, "go-live: sums equal the entitlement (TECH 2022-04..2023-03)")
    T.eq(payments(db, p), [(202303, 25000)], "go-live: the only transfer is 250.00")
    common_checks(db, "go-live")
    before = db.dump()
    hist2 = Facts().add("paid_history", payee_id=p, person_id=p, month="2023-02", kind="TECH", amount="200.00")
    rc, _, err = db.ingest(hist2.feeds(), expect=None)
    T.eq(rc, 3, "go-live: paid_history after a close exits 3")
    T.ok(db.dump() == before, "go-live: the refused paid_history changes nothing")


def opening_credit_lookalike():
    """A resident identity number that happens to pass the GB 32100 check too (1 in 31 do) is
    still a person: its paid_history rows (payee = person) must load."""
    p = "330723198702080267"        # valid GB 11643 (F, born 1987-02-08) and GB 32100 check
    f = tech_facts(p, "雷小燕", cert="1733000000210098", group="F55")
    hist = Facts()
    for m in months("2022-04", "2022-05"):
        hist.add("paid_history", payee_id=p, person_id=p, month=m, kind="TECH", amount="200.00")
    db = Db(BIN, ROOT, "opening2")
    db.ingest(f.feeds())
    rc, _, err = db.ingest(hist.feeds(), expect=None)
    T.eq(rc, 0, "go-live: paid_history of person %s (its number also passes the GB 32100 check) loads%s"
         % (p, "" if rc == 0 else ": " + err.strip().splitlines()[0].rsplit("/", 1)[-1][:150]))
    db.run_close("2022-06")
    led = db.ledger()
    T.eq(brief([ln for ln in led if ln["line_type"] == "opening"]),
         [("2022-04", "TECH", "opening", "200.00", ""), ("2022-05", "TECH", "opening", "200.00", "")],
         "go-live: that person's paid_history became 2 opening lines")
    T.sums_eq(db.sums(led), expect(p, p, "TECH", months("2022-04", "2022-06"), 20000),
              "go-live: that person's sums equal the entitlement")
    T.eq(payments(db, p), [(202206, 20000)], "go-live: that person is paid only 200.00 (2022-06)")


# ================================================================ CHIEF

def chief():
    ec = employer_id(91234567)
    name = "武义精工科技有限公司"
    q = person_id("1972-11-11", 721, True)
    q2 = person_id("1981-06-30", 127, True)
    f = Facts().employer(ec, name, chief_since="2021-01-01").bank(ec, name, 500)
    f.person(q, "首席一").person(q2, "首席二")
    f.add("chief_craftsmen", employer_id=ec, person_id=q, appointed_on="2021-09-01", ended_on="")
    f.add("chief_craftsmen", employer_id=ec, person_id=q2, appointed_on="2022-01-01", ended_on="")
    for p in (q, q2):
        f.insured(p, ec, "2021-01", "2022-06")
        f.allowance(p, ec, "2021-01", "2021-12", "1000.00")
    f.allowance(q, ec, "2022-01", "2022-01", "333.33")
    f.allowance(q, ec, "2022-02", "2022-02", "333.35")
    f.allowance(q, ec, "2022-03", "2022-06", "2000.00")
    f.allowance(q2, ec, "2022-01", "2022-06", "1000.00")
    exp = expect(ec, q, "CHIEF", months("2021-09", "2021-12"), 30000)
    expect(ec, q, "CHIEF", ["2022-01"], 10000, exp)
    expect(ec, q, "CHIEF", ["2022-02"], 10001, exp)
    expect(ec, q, "CHIEF", months("2022-03", "2022-06"), 50000, exp)
    db = Db(BIN, ROOT, "chief")
    db.ingest(f.feeds())
    db.run_close("2022-06")
    led = db.ledger()
    T.sums_eq(db.sums(led), exp, "CHIEF: 30% of the allowance (half up), cap 500.00, to the employer, "
              "one chief per enterprise (earliest appointed)")
    T.ok(led and all(ln["payee_id"] == ec and ln["rule"] == "R13" and ln["clause"] == "二.4" for ln in led),
         "CHIEF: every line has the employer as payee, rule R13, clause 二.4")
    T.eq(payments(db, ec), [(202206, sum(exp.values()))], "CHIEF: the employer is paid %s" % yuan(sum(exp.values())))
    common_checks(db, "CHIEF")
    state_refusals(db)


def chief_late():
    """R13 step 1 with late facts: the earlier-appointed chief becomes known after a close.
    A: its chief_craftsmen row arrives late; B: its persons row arrives late.  Either way the
    later chief's subsidy must be recovered (R9), as a full recomputation gives."""
    ec = employer_id(91234568)
    name = "武义精密机械有限公司"
    q0 = person_id("1972-11-12", 722, True)     # appointed 2021-09-01
    q1 = person_id("1981-07-01", 128, True)     # appointed 2022-01-01
    exp = expect(ec, q0, "CHIEF", months("2021-09", "2022-07"), 30000)
    for variant, what in (("A", "its chief_craftsmen row"), ("B", "its persons row")):
        f = Facts().employer(ec, name, chief_since="2021-01-01").bank(ec, name, 501)
        f.person(q1, "首席乙")
        for p in (q0, q1):
            f.insured(p, ec, "2021-01", "2022-07").allowance(p, ec, "2021-01", "2022-07", "1000.00")
        f.add("chief_craftsmen", employer_id=ec, person_id=q1, appointed_on="2022-01-01", ended_on="")
        late = Facts()
        rec = Facts().add("chief_craftsmen", employer_id=ec, person_id=q0, appointed_on="2021-09-01", ended_on="")
        per = Facts().person(q0, "首席甲")
        (late if variant == "A" else f).extend(rec)
        (late if variant == "B" else f).extend(per)
        db = Db(BIN, ROOT, "chieflate" + variant)
        db.ingest(f.feeds())
        db.run_close("2022-06")
        db.ingest(late.feeds())
        db.run_close("2022-07")
        one = Db(BIN, ROOT, "chieflate1" + variant)
        one.ingest(Facts().extend(f).extend(late).feeds())
        one.run_close("2022-07")
        s = db.sums()
        T.sums_eq(s, one.sums(), "R13 late (%s): %s arrives after the 2022-06 close: sums equal a full "
                  "recomputation" % (variant, what), "expected: one-shot database; actual: closed month by month")
        T.sums_eq(s, exp, "R13 late (%s): only the earliest-appointed chief is subsidised, 2021-09..2022-07" % variant)
        rc, out, err = db.sp("replay", "--month", "2022-07")
        T.eq(rc, 0, "R13 late (%s): replay --month 2022-07 exits 0%s" % (
            variant, "" if rc == 0 else ": " + err.strip().splitlines()[0][:150]))


# ================================================================ refusals by state

def refused(db, args, label, expect_rc=3):
    before = db.dump()
    rc, out, err = db.sp(*args)
    T.eq(rc, expect_rc, "%s exits %d" % (label, expect_rc))
    T.ok(db.dump() == before, "%s changes nothing" % label)
    T.ok(expect_rc == 0 or err.strip() != "", "%s says why on stderr" % label)


def state_refusals(db):
    refused(db, ["close", "--month", "2022-06"], "state: closing a closed month again")
    refused(db, ["run", "--month", "2022-06"], "state: running a closed month")
    refused(db, ["run", "--month", "2022-08"], "state: running a month out of order")
    refused(db, ["close", "--month", "2022-08"], "state: closing a month out of order")
    refused(db, ["close", "--month", "2022-07"], "state: closing without a draft")
    db.run("2022-07")
    refused(db, ["close", "--month", "2022-08"], "state: closing out of order with a draft of the next month")
    db.ingest({"discipline": [{"case_no": "武监处〔2022〕1号", "person_id": person_id("1990-02-02", 1, True),
                               "decided_on": "2022-05-05"}]})
    refused(db, ["close", "--month", "2022-07"], "state: closing a draft older than the latest ingest")
    db.run("2022-07")
    rc, _, err = db.sp("close", "--month", "2022-07")
    T.eq(rc, 0, "state: after running again the close succeeds")
    # the ledger is append-only (triggers)
    before = db.dump()
    for sql, label in (("UPDATE ledger SET amount_fen = 1", "UPDATE"), ("DELETE FROM ledger", "DELETE")):
        p = subprocess.run(["sqlite3", db.path, sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        T.ok(p.returncode != 0, "ledger: sqlite3 %s fails (trigger)" % label,
             "exit %d" % p.returncode)
    T.ok(db.dump() == before, "ledger: the refused UPDATE and DELETE change nothing")
    n = db.query("SELECT count(*) FROM ledger")[0][0]
    T.ok(n > 0, "ledger: still holds its %d lines" % n)
    rc, err = db.verify()
    T.eq(rc, 0, "ledger: verify still exits 0")


def first_close_bounds():
    db = Db(BIN, ROOT, "bounds")
    p = person_id("1984-06-12", 160, True)
    db.ingest(tech_facts(p, "边界").feeds())
    rc, _, _ = db.sp("run", "--month", "2021-07")
    T.ok(rc != 0, "state: a run for 2021-07 (before the policy start) is refused", "exit %d" % rc)
    rc, _, _ = db.sp("close", "--month", "2021-08")
    T.eq(rc, 3, "state: close on a fresh database without a draft exits 3")
    db.run_close("2021-08")
    T.eq(db.ledger(), [], "state: the first close may be 2021-08 (nothing due yet)")
    ledger_out = os.path.join(db.dir, "l.csv")
    db.run_close("2021-09")
    rc, out, _ = db.sp("ledger", "--out", ledger_out)
    with open(ledger_out, encoding="utf-8") as fh:
        T.eq(fh.read(), LEDGER_HEADER + "\n", "ledger --out writes the header only for an empty ledger")


def main():
    global BIN, ROOT
    BIN = os.path.abspath(sys.argv[1])
    ROOT = make_root()
    try:
        for fn in (ex1, ex2, ex3, ex4, ex5, ex6, ex7, service_days, more_rules, parameter_change, opening, opening_credit_lookalike, chief, chief_late, first_close_bounds):
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - a crash is a failed test, with its reason
                T.ok(False, "%s ran to the end" % fn.__name__,
                     "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc()[-1500:]))
    finally:
        remove_root(ROOT)
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
