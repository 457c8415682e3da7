#!/usr/bin/env python3
"""make-demo-fixtures.py - writes the demo county and the bad-input catalogue of skillpay.

Usage:  python3 scripts/make-demo-fixtures.py [REPO_ROOT]      (default: the parent of scripts/)

Python 3 standard library only, and deterministic: no clock, no randomness, the same bytes on
every run (`git diff` after running it must be empty).  It writes

  fixtures/demo/*.csv            the base load: the twelve feeds of FEEDS.md for a small Wuyi
                                 county (about 50 persons, 10 employers), social insurance and
                                 enterprise allowance monthly from 2021-08 through 2026-08
  fixtures/demo/2026-10/*.csv    the delivery before the 2026-10 run: 2026-09 and 2026-10 rows
  fixtures/demo/2026-11/*.csv    the delivery before the 2026-11 run: 2026-11 rows and one late
                                 2026-09 social-insurance row (RULES section 8, example 5)
  fixtures/demo/appeal/*.csv     the appeal 武人社复〔2026〕3号: a certificate retracted
                                 (example 6) and an employment end_date corrected
  fixtures/demo/README.md        every person, the case it illustrates and the expected outcome
  tests/cli/bad/NN-what/FEED.csv one defect each (the file stem names the feed)
  tests/cli/bad/CATALOGUE.tsv    dir, feed_file, expected_exit, expected_line, expected_column, note

The demo cycle (see fixtures/demo/README.md):
  skillpay init; skillpay ingest fixtures/demo/*.csv; run + close 2026-09;
  skillpay ingest fixtures/demo/2026-10/*.csv;       run + close 2026-10;
  skillpay ingest --appeal 武人社复〔2026〕3号 fixtures/demo/appeal/*.csv;
  skillpay ingest fixtures/demo/2026-11/*.csv;       run + close 2026-11.

Every identity number (GB 11643) and credit code (GB 32100) is built here and then checked again
by a second, independent formulation of its check (ISO 7064 MOD 11-2; the mod-31 sum including
the check character) - the script stops on an assertion if they disagree.  Before writing, the
script also runs its own small FEEDS.md validator over everything it produced: the good files
must have no error, and each bad case exactly the one error (line, column) its catalogue row
names.  The names, numbers and firms are made up.
"""
import csv
import datetime
import io
import os
import re
import shutil
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
COUNTY = "330723"
APPEAL_REF = "武人社复〔2026〕3号"

# ---------------------------------------------------------------------------------------------
# Identity numbers
# ---------------------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_MAP = "10X98765432"


def id_check_char(d17):
    return ID_MAP[sum(int(c) * w for c, w in zip(d17, ID_WEIGHTS)) % 11]


def id_valid_iso7064(pid):
    """Independent check: ISO 7064 MOD 11-2, sum of a_i * 2^(18-i) over all 18 characters
    (X = 10) is 1 modulo 11.  No shared table with id_check_char."""
    if len(pid) != 18 or not pid[:17].isdigit():
        return False
    vals = [int(c) for c in pid[:17]] + [10 if pid[17] in "Xx" else int(pid[17])]
    return sum(v * pow(2, 17 - i, 11) for i, v in enumerate(vals)) % 11 == 1


def make_person_id(birth, seq3, region=COUNTY):
    d17 = "%s%s%s" % (region, birth.strftime("%Y%m%d"), seq3)
    assert len(d17) == 17 and d17.isdigit()
    pid = d17 + id_check_char(d17)
    assert id_valid_iso7064(pid), pid
    return pid


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(c17):
    s = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(c17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - s % 31) % 31]


def credit_valid_mod31(code):
    """Independent check: the weights are 3^i mod 31; with the check character weighted 1 the
    whole sum is 0 modulo 31."""
    if len(code) != 18 or any(c not in CREDIT_ALPHABET for c in code):
        return False
    weights = [pow(3, i, 31) for i in range(17)] + [1]
    return sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code, weights)) % 31 == 0


def org_code(body8):
    """GB 11714 organisation code: 8 characters and their check character."""
    vals = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    c = 11 - sum(v * w for v, w in zip(vals, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def make_credit_code(authority_type, region, body8):
    c17 = authority_type + region + org_code(body8)
    assert len(c17) == 17
    code = c17 + credit_check_char(c17)
    assert credit_valid_mod31(code), code
    return code


# The published examples, checked by both formulations.
assert credit_check_char("91350100M000100Y4") == "3" and credit_valid_mod31("91350100M000100Y43")
assert id_check_char("11010519491231002") == "X" and id_valid_iso7064("11010519491231002X")
assert tuple(pow(3, i, 31) for i in range(17)) == CREDIT_WEIGHTS
assert tuple(pow(2, 17 - i, 11) for i in range(17)) == ID_WEIGHTS

# ---------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------


def D(s):
    return datetime.date.fromisoformat(s)


def months(first, last):
    """'YYYY-MM' strings from first to last inclusive."""
    y, m = int(first[:4]), int(first[5:])
    out = []
    while "%04d-%02d" % (y, m) <= last:
        out.append("%04d-%02d" % (y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def first_day(month):
    return D(month + "-01")


FIRST_MONTH, BASE_LAST, DEMO_LAST = "2021-08", "2026-08", "2026-11"
ALL_MONTHS = months(FIRST_MONTH, DEMO_LAST)

# ---------------------------------------------------------------------------------------------
# Employers
# ---------------------------------------------------------------------------------------------


class Employer:
    def __init__(self, key, auth, region, body8, name, ownership, rows, pays_allowance):
        self.key, self.name, self.region, self.ownership = key, name, region, ownership
        self.id = make_credit_code(auth, region, body8)
        self.rows = rows                # [(valid_from, skill_allowance_since, chief_qualified_since)]
        self.pays_allowance = pays_allowance

    def skill_since(self, month):
        """skill_allowance_since of the row in force on d(month) (RULES section 3)."""
        d = first_day(month)
        row = [r for r in self.rows if D(r[0]) <= d] or self.rows[:1]
        return row[-1][1]


EMPLOYERS = [
    Employer("E1", "91", COUNTY, "70467281", "浙江恒达五金工具有限公司", "local",
             [("2003-06-18", "2020-01-01", "2021-01-01")], True),
    Employer("E2", "91", COUNTY, "14783605", "武义金帆电器有限公司", "local",
             [("2001-09-03", "2019-07-01", "2022-03-01")], True),
    Employer("E3", "91", COUNTY, "MA28C7N3", "武义瑞丰门业有限公司", "local",
             [("2012-03-01", "", ""), ("2024-01-01", "2024-01-01", "")], True),
    Employer("E4", "91", COUNTY, "72587046", "浙江武义精工机械有限公司", "local",
             [("2000-11-20", "2021-01-01", "2023-05-01")], True),
    Employer("E5", "91", COUNTY, "79095318", "武义华通电动工具有限公司", "local",
             [("2006-05-12", "2018-01-01", "")], True),
    Employer("E6", "91", COUNTY, "14766320", "浙江省机电集团武义机械有限公司", "provincial",
             [("1998-04-01", "2019-01-01", "")], True),
    Employer("E7", "12", COUNTY, "47178510", "武义县第一人民医院", "public",
             [("1996-01-01", "", "")], False),
    Employer("E8", "91", "330702", "MA2HT4X1", "金华市婺城区华宇汽车配件有限公司", "local",
             [("2010-08-09", "2017-01-01", "")], True),
    Employer("E9", "92", COUNTY, "MA2D0K5Q", "武义县壶山饮食服务有限公司", "local",
             [("2015-03-02", "", "")], False),
    Employer("E10", "91", COUNTY, "56441937", "武义县城市建设投资有限公司", "local",
             [("2011-12-27", "", "")], False),
]
EMP = {e.key: e for e in EMPLOYERS}
assert len({e.id for e in EMPLOYERS}) == len(EMPLOYERS)

# ---------------------------------------------------------------------------------------------
# Persons.  Each case person: birth, sex, group, spells [(employer, start, end, occupation,
# appointed_level)], allowance (enterprise skill allowance in yuan, paid in every month the
# person is insured at an employer that runs the system), certificates, titles, discipline.
# ---------------------------------------------------------------------------------------------


class Person:
    def __init__(self, key, name, birth, sex, group, case, outcome, spells, allowance="",
                 certs=(), titles=(), discipline=(), retired_on="", si_spells=None,
                 si_last=DEMO_LAST, account="yes"):
        self.key, self.name, self.birth, self.sex, self.group = key, name, D(birth), sex, group
        self.case, self.outcome = case, outcome
        self.spells = spells            # as delivered in the employment feed
        self.si_spells = si_spells or spells   # as really worked: drives social insurance
        self.allowance, self.certs, self.titles = allowance, certs, titles
        self.discipline, self.retired_on, self.si_last = discipline, retired_on, si_last
        self.account = account          # "yes", "none" or the account_name to use
        self.id = None


# Occupation codes (职业分类大典 2015 style).
LATHE, MILL, WELD, FITTER, ELEC, ASSEMBLY = ("6-18-01-01", "6-18-01-02", "6-18-02-04",
                                             "6-20-01-01", "6-31-01-03", "6-22-02-01")
CASE_PERSONS = [
    Person("P01", "徐建明", "1984-06-12", "M", "M60",
           "RULES 8 example 1: technician, one-year wait; go-live history with one overpaid month",
           "TECH 200.00 for 2022-04 … 2025-03 (36 months, cap reached), nothing from 2025-04. "
           "paid_history: TECH 2022-03 … 2022-12 paid by the old system, 2022-03 wrongly (first "
           "entitled month is 2022-04): the 2026-09 run posts retro −200.00 for 2022-03 and "
           "+200.00 for each of 2023-01 … 2025-03 (27 months), net +5,200.00",
           [("E1", "2019-05-01", "", LATHE, "")], "100.00",
           certs=[("1733000000201917", LATHE, 2, "2021-03-10")]),
    Person("P02", "朱志强", "1986-11-03", "M", "M60",
           "RULES 8 example 2: promotion, stepped upgrade (R4s)",
           "TECH 200.00 for 2022-04 … 2023-06 (15 months); SRTECH 300.00 for 2023-07 … 2026-06 "
           "(36 months, no new year of service); TECH never again; nothing from 2026-07. "
           "All of it arrives as retro in the 2026-09 run (3,000.00 + 10,800.00)",
           [("E1", "2019-05-01", "2023-06-30", LATHE, ""), ("E1", "2023-07-01", "", LATHE, "1")],
           "100.00",
           certs=[("1733000000201923", LATHE, 2, "2021-03-10"),
                  ("Y000033072300347", LATHE, 1, "2023-06-15")]),
    Person("P03", "何国平", "1979-08-25", "M", "M60",
           "RULES 8 example 3: highest only, TOP over TECH; go-live history; account changes "
           "from 2026-10-12",
           "TECH 200.00 for 2021-08 … 2022-09 (14 months); TOP 500.00 for 2022-10 … 2025-09 and "
           "TOP_AWARD 6,000.00 in 2022-10; TECH suppressed in those months (cap not used); TECH "
           "resumes 2025-10 with 22 months left (to 2027-07), so 200.00 every month of the demo. "
           "paid_history covers 2021-08 … 2022-12 exactly (nothing owed for those months). The "
           "2026-09 payment goes to the old account, 2026-10 and later to the new one (R11)",
           [("E2", "2018-03-01", "", MILL, "")], "200.00",
           certs=[("1733000000200611", MILL, 2, "2020-06-01")],
           titles=[("top_talent", "武委人〔2022〕15号", "2022-09-20")]),
    Person("P04", "陈晓东", "1982-02-14", "M", "M60",
           "RULES 8 example 4: moved away (insured only in 330702 for 2023-05)",
           "TOP_AWARD 6,000.00 in 2022-01; TOP 500.00 for 2022-01 … 2023-04 (16 months); "
           "terminated for good from 2023-05 although insured in 330723 again from 2023-06",
           [("E5", "2016-08-01", "2023-04-30", ASSEMBLY, ""),
            ("E8", "2023-05-01", "2023-05-31", ASSEMBLY, ""),
            ("E5", "2023-06-01", "", ASSEMBLY, "")],
           titles=[("top_talent", "武委人〔2021〕32号", "2021-12-15")]),
    Person("P05", "王海峰", "1990-04-07", "M", "M60",
           "RULES 8 example 5 (demo form): late social-insurance row; its 2026-09 row is missing "
           "from 2026-10/ and arrives in 2026-11/",
           "TECH 200.00 from 2025-06 (certificate 2024-05-20, one year wait). 2026-09 run: retro "
           "2025-06 … 2026-08 (3,000.00). 2026-10 run: regular +200.00 for 2026-10, nothing for "
           "2026-09 (no insurance row yet). 2026-11 run: retro +200.00 for 2026-09 and regular "
           "+200.00 for 2026-11",
           [("E5", "2020-03-16", "", FITTER, "")], "150.00",
           certs=[("Y000033072400152", FITTER, 2, "2024-05-20")]),
    Person("P06", "李俊杰", "1992-09-30", "M", "M60",
           "RULES 8 example 6 (demo form): certificate retracted on appeal after 5 paid months",
           "TECH 200.00 from 2026-06 (certificate 2025-05-25). 2026-09 run: retro 2026-06 … "
           "2026-08 (600.00, paid); 2026-10 run: retro 2026-09 + regular 2026-10 (400.00, paid). "
           "Appeal 武人社复〔2026〕3号 retracts the certificate: the 2026-11 run posts five retro "
           "lines of −200.00 (2026-06 … 2026-10), balance −1,000.00, no transfer",
           [("E4", "2019-09-02", "", WELD, "")], "120.00",
           certs=[("Y000033072500418", WELD, 2, "2025-05-25")]),
    Person("P07", "周德兴", "1965-01-10", "M", "M60",
           "RULES 8 example 7: retirement, man born 1965-01-10 (statutory date 2025-02-10); "
           "insured and paid the enterprise allowance until 2025-06",
           "TECH 200.00 for 2023-06 … 2025-02 (21 months); nothing from 2025-03 (R4g)",
           [("E1", "1998-07-01", "2025-06-30", LATHE, "")], "100.00",
           certs=[("Y000033072200063", LATHE, 2, "2022-06-01")]),
    Person("P08", "潘丽娟", "1976-02-18", "F", "F50",
           "woman F50 near retirement: born 1976-02, delay 7 months, statutory date 2026-09-18; "
           "insured until 2026-10",
           "TECH 200.00 for 2025-07 … 2026-09 (15 months). 2026-09 run: retro 2025-07 … 2026-08; "
           "2026-10 run: retro 2026-09 only, nothing for 2026-10 (retired, R4g)",
           [("E2", "2010-03-01", "2026-10-31", ASSEMBLY, "")], "100.00",
           certs=[("Y000033072400711", ASSEMBLY, 2, "2024-07-01")]),
    Person("P09", "吴秀芳", "1971-05-08", "F", "F55",
           "woman F55 near retirement, 高级技师: born 1971-05, delay 5 months, statutory date "
           "2026-10-08; still insured in 2026-11",
           "SRTECH 300.00 for 2024-02 … 2026-10 (33 months; certificate 2023-01-05, one year "
           "wait). 2026-10 run: retro 2026-09 + regular 2026-10; 2026-11: nothing (R4g)",
           [("E4", "2005-07-11", "", MILL, "")], "300.00",
           certs=[("1733000000300529", MILL, 1, "2023-01-05")]),
    Person("P10", "汤卫东", "1983-12-01", "M", "M60",
           "discipline record 2024-03-15 (ethics look-back, R4f); cap reached later",
           "TECH 200.00 for 2022-09 … 2024-03 (19 months), none 2024-04 … 2025-03 (R4f), again "
           "2025-04 … 2026-08 (17 months): 36 months, cap reached; nothing from 2026-09",
           [("E5", "2014-02-17", "", WELD, "")], "100.00",
           certs=[("Y000033072100905", WELD, 2, "2021-09-01")],
           discipline=[("武监处〔2024〕5号", "2024-03-15")]),
    Person("P11", "邵文博", "1978-03-22", "M", "M60",
           "拔尖人才 with a later discipline record (R2b termination)",
           "TOP_AWARD 6,000.00 in 2024-05; TOP 500.00 for 2024-05 … 2025-11 (19 months); "
           "terminated from 2025-12 (decision 2025-11-03)",
           [("E2", "2008-07-01", "", ELEC, "")],
           titles=[("top_talent", "武委人〔2024〕9号", "2024-04-18")],
           discipline=[("武监处〔2025〕21号", "2025-11-03")]),
    Person("P12", "钟美华", "1981-10-16", "F", "F55",
           "技能标兵 designated before the policy (2020-04-10); no bank account",
           "STAR 300.00 for 2021-08 … 2023-04 (21 months, the rest of the window), no STAR_AWARD; "
           "6,300.00 owed but HELD: no bank_accounts row (R11)",
           [("E9", "2012-05-01", "", "4-03-02-01", "")], account="none",
           titles=[("skill_star", "武人社〔2020〕27号", "2020-04-10")]),
    Person("P13", "雷小燕", "1987-07-19", "F", "F50",
           "技能标兵 2023-03-28; bank account_name is her husband's (蓝志勇); 高级工 certificate",
           "STAR_AWARD 2,000.00 in 2023-04; STAR 300.00 for 2023-04 … 2026-03 (36 months); "
           "12,800.00 owed but HELD: account_name differs from the person name (R11, BE01). "
           "The level-3 certificate pays nothing",
           [("E4", "2011-03-14", "", ASSEMBLY, "")], account="蓝志勇",
           certs=[("1733000000300287", ASSEMBLY, 3, "2019-11-08")],
           titles=[("skill_star", "武人社〔2023〕18号", "2023-03-28")]),
    Person("P14", "蓝建华", "1985-05-05", "M", "M60",
           "技能能手 who is also a technician: tie 200 = 200, window kind first (R5)",
           "TECH 200.00 for 2022-02 … 2024-10 (33 months); ACE_AWARD 1,000.00 in 2024-11; ACE "
           "200.00 from 2024-11 (window to 2027-10), TECH suppressed (3 cap months left)",
           [("E4", "2016-06-20", "", FITTER, "")], "200.00",
           certs=[("1733000000200164", FITTER, 2, "2021-02-01")],
           titles=[("skill_ace", "武人社〔2024〕66号", "2024-10-12")]),
    Person("P15", "胡永强", "1980-01-28", "M", "M60",
           "技师 at a provincial (省属) enterprise",
           "nothing (R4b: provincial is not an eligible employer), although insured and paid "
           "an enterprise allowance",
           [("E6", "2004-08-01", "", LATHE, "")], "200.00",
           certs=[("1733000000201833", LATHE, 2, "2019-11-20")]),
    Person("P16", "郑丽萍", "1988-12-09", "F", "F50",
           "技师 at a public institution (事业单位)",
           "nothing (R4b: public is not an enterprise)",
           [("E7", "2013-08-26", "", ELEC, "")],
           certs=[("1733000000200945", ELEC, 2, "2020-05-15")]),
    Person("P17", "金伟", "1989-03-03", "M", "M60",
           "technician at 武义瑞丰门业, whose employers row changes on 2024-01-01 "
           "(skill allowance system from then on)",
           "TECH 200.00 from 2024-01 (R4e: no skill_allowance_since before the dated row), "
           "36 months to 2026-12: 35 of them by 2026-11",
           [("E3", "2016-04-01", "", WELD, "")], "150.00",
           certs=[("1733000000201046", WELD, 2, "2021-06-01")]),
    Person("P18", "应志刚", "1987-10-21", "M", "M60",
           "employment end_date wrongly delivered as 2026-05-31; corrected (end_date empty) "
           "by the appeal",
           "TECH 200.00 for 2024-03 … 2026-05 (27 months) in the 2026-09 run; nothing in 2026-10. "
           "After the appeal the 2026-11 run posts retro +200.00 for 2026-06 … 2026-10 and "
           "regular +200.00 for 2026-11, all tagged with the appeal",
           [("E5", "2017-04-01", "2026-05-31", ASSEMBLY, "")], "100.00",
           si_spells=[("E5", "2017-04-01", "", ASSEMBLY, "")],
           certs=[("Y000033072300209", ASSEMBLY, 2, "2023-02-15")]),
    Person("P19", "楼国庆", "1968-07-22", "M", "M60",
           "early retirement: retired_on 2024-06-30 (statutory date 2029-06-22); insured "
           "until 2024-09",
           "TECH 200.00 for 2023-02 … 2024-06 (17 months); nothing from 2024-07 (R4g)",
           [("E1", "1990-09-01", "2024-09-30", WELD, "")], "100.00", retired_on="2024-06-30",
           certs=[("Y000033072200018", WELD, 2, "2022-01-10")]),
    Person("P20", "叶海燕", "1990-08-08", "F", "F50",
           "技能能手 twice: a second designation whose window overlaps the first (duplicate)",
           "ACE_AWARD 1,000.00 in 2022-06 only (the 2024 record earns none, R7); ACE 200.00 "
           "every month from 2022-06 to 2027-12 (the two windows joined)",
           [("E9", "2014-09-15", "", "4-03-01-01", "")],
           titles=[("skill_ace", "武人社〔2022〕31号", "2022-05-10"),
                   ("skill_ace", "武人社〔2024〕71号", "2024-12-02")]),
    Person("P21", "巩立新", "1972-11-11", "M", "M60",
           "首席工匠 of 浙江恒达五金 (the first of two), 2021-09-01 … 2025-12-31; go-live "
           "history of the employer's CHIEF",
           "employer E1 gets CHIEF 120.00 (30% of 400.00) for 2021-09 … 2025-12; paid_history "
           "covers 2021-09 … 2022-12. The person gets nothing",
           [("E1", "1994-03-01", "", FITTER, "")], "400.00", account="none"),
    Person("P22", "范永红", "1981-06-30", "M", "M60",
           "second 首席工匠 of 浙江恒达五金, appointed 2022-05-01 (one per enterprise)",
           "does not count while P21's record covers the month; E1 gets CHIEF 90.00 (30% of "
           "300.00) from 2026-01",
           [("E1", "2003-08-01", "", LATHE, "")], "300.00", account="none"),
    Person("P23", "陶建国", "1975-09-09", "M", "M60",
           "首席工匠 of two enterprises (E2 from 2022-04-01, E4 from 2023-06-01): once per person",
           "E2 gets CHIEF 500.00 (30% of 1,800.00 = 540.00, capped) from 2022-04; E4 gets "
           "nothing (its only chief counts at E2, earlier appointment)",
           [("E2", "1997-07-01", "", MILL, "")], "1800.00", account="none"),
    Person("P24", "俞小明", "1993-02-26", "M", "M60",
           "高级工 (level 3) certificate", "nothing (levels 3-5 carry no allowance)",
           [("E1", "2015-07-06", "", LATHE, "")], "50.00",
           certs=[("1733000000300762", LATHE, 3, "2020-09-18")]),
    Person("P25", "祝丽芳", "1995-12-12", "F", "F50",
           "中级工 (level 4) certificate", "nothing",
           [("E2", "2017-03-01", "", ASSEMBLY, "")],
           certs=[("Y000033072200577", ASSEMBLY, 4, "2022-11-30")]),
    Person("P26", "施建平", "1986-04-15", "M", "M60",
           "技师 at a local firm without a skill allowance system",
           "nothing (R4e: no skill_allowance_since, no enterprise allowance)",
           [("E9", "2012-10-08", "", "4-03-02-01", "")],
           certs=[("1733000000201570", "4-03-02-01", 2, "2018-12-01")]),
    Person("P27", "鲍军", "1991-07-07", "M", "M60",
           "技师 working outside his certificate's occupation (铣工 certificate, lathe job)",
           "nothing (R4b: occupation code must match, 对口岗位)",
           [("E1", "2014-04-01", "", LATHE, "")], "100.00",
           certs=[("Y000033072100331", MILL, 2, "2021-04-20")]),
]

PLAIN = [  # name, birth, sex, group, employer, spell start, spell end, occupation
    ("徐丽", "1990-03-15", "F", "F50", "E1", "2012-06-01", "", ASSEMBLY),
    ("朱红英", "1983-09-02", "F", "F50", "E1", "2008-03-10", "", ASSEMBLY),
    ("何伟军", "1977-05-20", "M", "M60", "E1", "2001-04-01", "", LATHE),
    ("陈芳", "1994-11-11", "F", "F55", "E1", "2023-03-01", "", "3-01-02-01"),
    ("王建新", "1972-01-30", "M", "M60", "E2", "1995-08-01", "", FITTER),
    ("李小红", "1989-06-06", "F", "F50", "E2", "2011-02-14", "", ASSEMBLY),
    ("周杰", "1998-02-03", "M", "M60", "E2", "2020-07-01", "2024-12-31", ASSEMBLY),
    ("潘志华", "1985-10-10", "M", "M60", "E2", "2009-09-01", "", WELD),
    ("吴斌", "1980-12-25", "M", "M60", "E4", "2004-05-17", "", MILL),
    ("汤美玲", "1992-04-18", "F", "F50", "E4", "2015-10-12", "", ASSEMBLY),
    ("邵勇", "1976-08-08", "M", "M60", "E4", "1999-03-01", "", WELD),
    ("钟华", "1988-01-21", "M", "M60", "E5", "2010-04-06", "", ASSEMBLY),
    ("雷建英", "1986-07-07", "F", "F50", "E5", "2013-08-19", "", ASSEMBLY),
    ("蓝小军", "1999-09-19", "M", "M60", "E5", "2022-02-21", "", FITTER),
    ("胡秀英", "1982-03-03", "F", "F55", "E9", "2016-05-01", "", "4-03-02-01"),
    ("郑强", "1979-12-12", "M", "M60", "E9", "2018-01-02", "", "4-03-01-01"),
    ("金玲", "1996-05-25", "F", "F55", "E9", "2019-06-10", "", "4-03-01-01"),
    ("应海军", "1974-02-28", "M", "M60", "E10", "2005-07-01", "", "2-02-18-03"),
    ("楼丽华", "1987-08-16", "F", "F55", "E10", "2012-09-03", "", "3-01-02-01"),
    ("叶斌", "1984-04-04", "M", "M60", "E6", "2008-07-15", "", ELEC),
    ("巩秀兰", "1983-11-29", "F", "F55", "E7", "2006-08-01", "", "2-05-08-01"),
    ("范晓峰", "1991-01-13", "M", "M60", "E8", "2016-03-07", "", ASSEMBLY),
    ("陶丽", "1993-06-21", "F", "F50", "E8", "2017-11-20", "", ASSEMBLY),
]


def build_persons():
    persons = list(CASE_PERSONS)
    for i, (name, birth, sex, group, emp, start, end, occ) in enumerate(PLAIN):
        where = EMP[emp]
        note = "plain insured worker at %s%s" % (where.name,
                                                  " (insured in 330702)" if where.region != COUNTY else "")
        if end:
            note += ", left on %s" % end
        persons.append(Person("P%02d" % (28 + i), name, birth, sex, group, note, "nothing",
                              [(emp, start, end, occ, "")], account="none"))
    for i, p in enumerate(persons):
        # Digits 15-16: a police-station sequence; digit 17: odd for men, even for women.
        seq2 = "%02d" % ((i * 37 + 11) % 97)
        sex_digit = (i * 3) % 5 * 2 + (1 if p.sex == "M" else 0)
        p.id = make_person_id(p.birth, seq2 + str(sex_digit))
        assert (int(p.id[16]) % 2 == 1) == (p.sex == "M") == (p.group == "M60")
    assert len({p.id for p in persons}) == len(persons)
    return persons


PERSONS = build_persons()
PER = {p.key: p for p in PERSONS}
GHOST_ID = make_person_id(D("1988-05-17"), "235")     # 赵一鸣: a title but no persons row
assert GHOST_ID not in {p.id for p in PERSONS}

CHIEFS = [  # employer, person, appointed_on, ended_on
    ("E1", "P21", "2021-09-01", "2025-12-31"),
    ("E1", "P22", "2022-05-01", ""),
    ("E2", "P23", "2022-04-01", ""),
    ("E4", "P23", "2023-06-01", ""),
]

# ---------------------------------------------------------------------------------------------
# Monthly facts: social insurance from the spells really worked, enterprise allowance where the
# employer runs its skill allowance system.
# ---------------------------------------------------------------------------------------------


def spell_on(spells, d):
    for s in spells:
        if D(s[1]) <= d and (not s[2] or D(s[2]) >= d):
            return s
    return None


SI_END = {"P07": "2025-06", "P08": "2026-10", "P19": "2024-09"}   # beyond their spells: none


def monthly_rows():
    """(month, si_row, ea_row_or_None) for every person-month, in person order then month."""
    out = []
    for p in PERSONS:
        for m in ALL_MONTHS:
            s = spell_on(p.si_spells, first_day(m))
            if s is None:
                continue
            e = EMP[s[0]]
            si = (p.id, m, e.id, e.region)
            ea = None
            since = e.skill_since(m)
            if p.allowance and e.pays_allowance and since and D(since) <= first_day(m):
                ea = (p.id, e.id, m, p.allowance)
            out.append((p, m, si, ea))
    return out


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

HEADERS = {
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


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        assert len(r) == len(header), (header, r)
        w.writerow(r)
    return buf.getvalue()


FILES = {}      # relative path -> bytes, written at the end


def put(rel, data):
    assert rel not in FILES, rel
    FILES[rel] = data.encode("utf-8") if isinstance(data, str) else data


def demo_feeds():
    d = "fixtures/demo/"
    put(d + "persons.csv", csv_text(HEADERS["persons"], [
        (p.id, p.name, p.group, p.retired_on) for p in PERSONS]))
    put(d + "employers.csv", csv_text(HEADERS["employers"], [
        (e.id, r[0], e.name, e.region, e.ownership, r[1], r[2])
        for e in EMPLOYERS for r in e.rows]))
    put(d + "employment.csv", csv_text(HEADERS["employment"], [
        (p.id, EMP[s[0]].id, s[1], s[2], s[3], s[4]) for p in PERSONS for s in p.spells]))
    put(d + "certificates.csv", csv_text(HEADERS["certificates"], [
        (c[0], p.id, c[1], str(c[2]), c[3]) for p in PERSONS for c in p.certs]))
    put(d + "titles.csv", csv_text(HEADERS["titles"], [
        (p.id, t[0], t[1], t[2]) for p in PERSONS for t in p.titles]
        + [(GHOST_ID, "skill_ace", "武人社〔2024〕66号", "2024-10-12")]))
    put(d + "discipline.csv", csv_text(HEADERS["discipline"], [
        (c[0], p.id, c[1]) for p in PERSONS for c in p.discipline]))
    put(d + "chief_craftsmen.csv", csv_text(HEADERS["chief_craftsmen"], [
        (EMP[e].id, PER[k].id, a, x) for e, k, a, x in CHIEFS]))
    put(d + "parameters.csv", csv_text(HEADERS["parameters"], [
        ("CHIEF.cap", "2026-01-01", "50000")]))

    rows = monthly_rows()
    late = [r for r in rows if r[0].key == "P05" and r[1] == "2026-09"]
    assert len(late) == 1
    base = [r for r in rows if r[1] <= BASE_LAST]
    oct_ = [r for r in rows if "2026-09" <= r[1] <= "2026-10" and r not in late]
    nov = [r for r in rows if r[1] == "2026-11"] + late
    for rel, part in ((d, base), (d + "2026-10/", oct_), (d + "2026-11/", nov)):
        suffix = "" if rel == d else "-" + rel.rstrip("/").rsplit("/", 1)[1]
        put(rel + "social_insurance%s.csv" % suffix,
            csv_text(HEADERS["social_insurance"], [r[2] for r in part]))
        put(rel + "enterprise_allowance%s.csv" % suffix,
            csv_text(HEADERS["enterprise_allowance"], [r[3] for r in part if r[3]]))

    banks = ["102338500016", "103338500028", "104338500037", "105338000012", "402338500019"]
    acct = []
    for i, p in enumerate(PERSONS):
        if p.account == "none":
            continue
        name = p.name if p.account == "yes" else p.account
        digits = "%015d" % ((int(p.id[6:14]) * 7919 + i * 104729) * 2654435761 % 10 ** 15)
        since = "2021-09-01" if p.key == "P03" else "2026-08-20"
        acct.append((p.id, since, "6217" + digits, name, banks[i % len(banks)]))
        if p.key == "P03":  # a new account, in force for the pay months from 2026-10
            acct.append((p.id, "2026-10-12", "6228" + digits[::-1], name, banks[1]))
    for i, k in enumerate(("E1", "E2", "E4")):
        acct.append((EMP[k].id, "2021-09-01", "3301%016d" % (6580001234 + i * 7777),
                     EMP[k].name, banks[3]))
    put(d + "bank_accounts.csv", csv_text(HEADERS["bank_accounts"], acct))

    hist = []
    p01, p03 = PER["P01"], PER["P03"]
    hist += [(p01.id, p01.id, m, "TECH", "200.00") for m in months("2022-03", "2022-12")]
    hist += [(p03.id, p03.id, m, "TECH", "200.00") for m in months("2021-08", "2022-09")]
    hist += [(p03.id, p03.id, m, "TOP", "500.00") for m in months("2022-10", "2022-12")]
    hist += [(p03.id, p03.id, "2022-10", "TOP_AWARD", "6000.00")]
    hist += [(EMP["E1"].id, PER["P21"].id, m, "CHIEF", "120.00")
             for m in months("2021-09", "2022-12")]
    put(d + "paid_history.csv", csv_text(HEADERS["paid_history"], hist))
    OPENING_FEN[0] = sum(int(h[4].replace(".", "")) for h in hist)

    # The appeal: retract P06's certificate (key only) and correct P18's employment spell.
    p06, p18 = PER["P06"], PER["P18"]
    put(d + "appeal/certificates.csv", csv_text(HEADERS["certificates"] + ["op"], [
        (p06.certs[0][0], "", "", "", "", "retract")]))
    s = p18.spells[0]
    put(d + "appeal/employment.csv", csv_text(HEADERS["employment"], [
        (p18.id, EMP[s[0]].id, s[1], "", s[3], s[4])]))


# ---------------------------------------------------------------------------------------------
# README of the demo
# ---------------------------------------------------------------------------------------------


# What each run posts (sum of its ledger lines, yuan) per payee, and what happens to the money.
# Cross-checked against an independent evaluation of RULES.md over the files written here.
EXPECTED_RUNS = [  # key, 2026-09, 2026-10, 2026-11 (None: nothing), remark
    ("P01", 5200, None, None, "2026-09: −200.00 (2022-03, overpaid by the old system) and "
                               "+200.00 × 27; the openings cover 2022-03 … 2022-12"),
    ("P02", 13800, None, None, ""),
    ("P03", 18700, 400, 200, "2026-09 paid to the account of 2021-09-01, later runs to the one "
                             "of 2026-10-12"),
    ("P04", 14000, None, None, ""),
    ("P05", 3000, 200, 400, "2026-10: regular 2026-10 only; 2026-11: retro 2026-09 + regular"),
    ("P06", 600, 400, -1000, "2026-11: five retro −200.00, balance −1,000.00, no transfer"),
    ("P07", 4200, None, None, ""),
    ("P08", 2800, 200, None, "2026-10: retro 2026-09; 2026-10 not paid (retired)"),
    ("P09", 9300, 600, None, "2026-11 not paid (retired)"),
    ("P10", 7200, None, None, ""),
    ("P11", 15500, None, None, ""),
    ("P12", 6300, None, None, "held (no account): balance 6,300.00"),
    ("P13", 12800, None, None, "held (account_name differs): balance 12,800.00"),
    ("P14", 12000, 400, 200, ""),
    ("P17", 6400, 400, 200, ""),
    ("P18", 5400, None, 1200, "2026-11: appeal lines, retro 2026-06 … 2026-10 + regular"),
    ("P19", 3400, None, None, ""),
    ("P20", 11200, 400, 200, ""),
    ("E1", 5040, 180, 90, "CHIEF: 4,320.00 for P21 + 720.00 for P22 in 2026-09, then P22 only"),
    ("E2", 26500, 1000, 500, "CHIEF for P23"),
]
HELD = {"P12", "P13"}
OPENING_FEN = [0]       # the paid_history total, set by demo_feeds()


def yuan(v):
    return "—" if v is None else ("−" if v < 0 else "") + "{:,.2f}".format(abs(v))


def expected_runs_md():
    out = ["| payee | 2026-09 run | 2026-10 run | 2026-11 run | remark |",
           "|---|---:|---:|---:|---|"]
    for key, a, b, c, remark in EXPECTED_RUNS:
        who = "%s %s" % (key, (PER[key].name if key in PER else EMP[key].name))
        out.append("| %s | %s | %s | %s | %s |" % (who, yuan(a), yuan(b), yuan(c), remark))
    posted = [sum(r[i] or 0 for r in EXPECTED_RUNS) for i in (1, 2, 3)]
    held = [sum(r[i] or 0 for r in EXPECTED_RUNS if r[0] in HELD) for i in (1, 2, 3)]
    debt = [sum(r[i] for r in EXPECTED_RUNS if r[i] is not None and r[i] < 0) for i in (1, 2, 3)]
    out.append("| **posted** | %s | %s | %s | besides the `opening` lines (%s) of the "
               "first close |" % (tuple(yuan(v) for v in posted) + (yuan(OPENING_FEN[0] / 100),)))
    out.append("| **transferred** | %s | %s | %s | posted − held − P06's debt |" % tuple(
        yuan(p - h - d) for p, h, d in zip(posted, held, debt)))
    return "\n".join(out)


def md_escape(s):
    return s.replace("|", "\\|")


def demo_readme():
    counts = []
    for rel in sorted(FILES):
        if rel.startswith("fixtures/demo/") and rel.endswith(".csv"):
            n = FILES[rel].count(b"\n") - 1
            counts.append("| `%s` | %d |" % (rel[len("fixtures/demo/"):], n))
    emp_rows = []
    for e in EMPLOYERS:
        for r in e.rows:
            emp_rows.append("| %s | `%s` | %s | %s | %s | %s | %s | %s |" % (
                e.key, e.id, e.name, r[0], e.region, e.ownership, r[1] or "—", r[2] or "—"))
    person_rows = []
    for p in PERSONS:
        person_rows.append("| %s | `%s` | %s | %s | %s | %s |" % (
            p.key, p.id, p.name, p.group, md_escape(p.case), md_escape(p.outcome)))
    person_rows.append("| — | `%s` | 赵一鸣 | — | a `titles` row (skill_ace) for a person "
                       "with no `persons` row | `run` warns about the unresolved reference; "
                       "never paid |" % GHOST_ID)
    text = """# fixtures/demo — a small Wuyi county for the demo

Generated by `scripts/make-demo-fixtures.py` (do not edit by hand: change the script and run
it again; it is deterministic). Everything here is made up: names, identity numbers (valid
GB 11643 numbers of region 330723 with real birth dates), credit codes (valid GB 32100 codes)
and accounts.

## The demo cycle

```sh
skillpay --db demo.db init
skillpay --db demo.db ingest fixtures/demo/*.csv           # base load: facts up to 2026-08
skillpay --db demo.db run --month 2026-09 && skillpay --db demo.db close --month 2026-09
skillpay --db demo.db ingest fixtures/demo/2026-10/*.csv   # 2026-09 and 2026-10 rows
skillpay --db demo.db run --month 2026-10 && skillpay --db demo.db close --month 2026-10
skillpay --db demo.db ingest --appeal %s fixtures/demo/appeal/*.csv
skillpay --db demo.db ingest fixtures/demo/2026-11/*.csv   # 2026-11 rows + one late 2026-09 row
skillpay --db demo.db run --month 2026-11 && skillpay --db demo.db close --month 2026-11
```

The base load carries social insurance and enterprise allowance up to 2026-08 only, so the
first run (2026-09, the go-live) posts every month since 2021-08 as `retro` (less the
`paid_history` amounts, which become `opening` lines) and nothing `regular` for 2026-09: the
2026-09 rows arrive with `2026-10/` and are paid as `retro` in the 2026-10 run.

What each delivery holds:

- `2026-10/`: social insurance and enterprise allowance for 2026-09 and 2026-10, except the
  2026-09 social-insurance row of P05 (王海峰), which is withheld (RULES §8 example 5).
- `2026-11/`: the 2026-11 rows and P05's late 2026-09 social-insurance row.
- `appeal/` (appeal %s): `certificates.csv` retracts P06's (李俊杰)
  certificate `%s` (example 6); `employment.csv` restates P18's (应志刚) spell with
  the same key (person, employer, start_date) and an empty end_date, correcting the
  2026-05-31 that the employer had wrongly delivered.

Everyone is insured every month from 2021-08 (or from the start of their spell) at the employer
of the spell, in that employer's region, unless the table says otherwise. Skill workers get an
enterprise allowance every month in which their employer runs the system (`skill_allowance_since`).

## Employers

| | employer_id | name | valid_from | region | ownership | skill_allowance_since | chief_qualified_since |
|---|---|---|---|---|---|---|---|
%s

E1 浙江恒达五金 is CHIEF payee with two chief craftsmen (P21, P22); E2 金帆电器 and E4
精工机械 share one chief (P23). E3 瑞丰门业 has a dated second row: its skill allowance
system starts 2024-01-01. E8 is in 婺城区 (330702).

## Persons

| | person_id | name | group | case | expected outcome |
|---|---|---|---|---|---|
%s

Totals for the whole demo (2021-08 … 2026-11) are in the outcome column; rates are those of
RULES §1 (the one `parameters.csv` row restates CHIEF.cap = 50000 fen from 2026-01-01 and
changes nothing). Persons not listed below (P15, P16, P21 … P50 and 赵一鸣) are never paid
themselves (P21 … P23 earn the CHIEF subsidy for their employers).

## What each run posts (yuan, the sum of the run's ledger lines for the payee)

%s

## Other deliberate features

- `bank_accounts.csv`: every person with a title or a certificate except P12 (none) has an
  account; P13's `account_name` is her husband's; P03 has a second account from 2026-10-12;
  the employers E1, E2 and E4 have accounts for CHIEF. Plain workers and chief craftsmen
  (whose subsidy goes to the employer) have none.
- `paid_history.csv`: the old system's payments for P01 (TECH 2022-03 … 2022-12, of which
  2022-03 was an overpayment), P03 (TECH 2021-08 … 2022-09, TOP 2022-10 … 2022-12 and the
  TOP_AWARD) and employer E1's CHIEF for P21 (2021-09 … 2022-12), loaded before the first close.
- `titles.csv` holds a title of 赵一鸣 `%s`, who has no `persons` row (a warning).
- E1's credit code `913307237046728173` happens to be all digits, as many real codes are: a
  payee_id must not be taken for a person because of its shape (R11 compares E1's account
  with the employer's name).

## Row counts

| file | data rows |
|---|---|
%s
""" % (APPEAL_REF, APPEAL_REF, PER["P06"].certs[0][0], "\n".join(emp_rows),
       "\n".join(person_rows), expected_runs_md(), GHOST_ID, "\n".join(counts))
    put("fixtures/demo/README.md", text)


# ---------------------------------------------------------------------------------------------
# Bad inputs: one defect per file, tests/cli/bad/NN-what/FEED.csv
# ---------------------------------------------------------------------------------------------

BAD = []        # (dir, feed, line, column, note)


def bad(dirname, feed, line, column, note, text):
    rel = "tests/cli/bad/%s/%s.csv" % (dirname, feed)
    put(rel, text)
    BAD.append((dirname, feed, line, column, note))


def raw(lines):
    """Lines joined with LF, a final LF; str lines are UTF-8, bytes are kept as they are."""
    out = b""
    for ln in lines:
        out += (ln.encode("utf-8") if isinstance(ln, str) else ln) + b"\n"
    return out


def bad_cases():
    ph = ",".join(HEADERS["persons"])
    man = make_person_id(D("1985-03-15"), "031")       # 余志明, new to the database
    woman = make_person_id(D("1991-07-02"), "048")     # 詹小英
    man2 = make_person_id(D("1979-12-30"), "117")
    good_p = "%s,余志明,M60," % man
    wrong = man2[:17] + ID_MAP[(ID_MAP.index(man2[17]) + 1) % 11]
    not_real = "3307231987022901" + "1"
    not_real += id_check_char(not_real)
    future = "3307232099123100" + "1"
    future += id_check_char(future)
    nondigit = man[:10] + "A" + man[11:]

    e1 = EMP["E1"].id
    eh = ",".join(HEADERS["employers"])
    ecode = make_credit_code("91", COUNTY, "MA2K8R4P")
    ebad = ecode[:17] + CREDIT_ALPHABET[(CREDIT_ALPHABET.index(ecode[17]) + 1) % 31]
    good_e = "%s,2019-04-01,武义县永康五金厂,330723,local,2020-01-01," % ecode

    p01 = PER["P01"].id
    ch = ",".join(HEADERS["certificates"])
    sh = ",".join(HEADERS["social_insurance"])
    ah = ",".join(HEADERS["enterprise_allowance"])
    jh = ",".join(HEADERS["employment"])
    bh = ",".join(HEADERS["bank_accounts"])
    prh = ",".join(HEADERS["parameters"])

    n = iter(range(1, 100))

    def nn(what):
        return "%02d-%s" % (next(n), what)

    # Identity numbers
    bad(nn("person-id-check-char"), "persons", 3, "person_id",
        "GB 11643 check character wrong", raw([ph, good_p, "%s,余智明,M60," % wrong]))
    bad(nn("employer-id-check-char"), "employers", 2, "employer_id",
        "GB 32100 check character wrong", raw([eh, good_e.replace(ecode, ebad)]))
    bad(nn("person-id-birth-not-real"), "persons", 2, "person_id",
        "birth date 1987-02-29 does not exist (check character correct)",
        raw([ph, "%s,吕国华,M60," % not_real]))
    bad(nn("person-id-birth-future"), "persons", 2, "person_id",
        "birth date 2099-12-31 is in the future (check character correct)",
        raw([ph, "%s,吕国华,M60," % future]))
    bad(nn("person-id-17-chars"), "persons", 3, "person_id", "17 characters",
        raw([ph, good_p, "%s,吕国华,M60," % man2[:17]]))
    bad(nn("person-id-non-digit"), "persons", 2, "person_id", "a letter among the 17 digits",
        raw([ph, "%s,余志明,M60," % nondigit]))
    bad(nn("si-person-id-check-char"), "social_insurance", 2, "person_id",
        "GB 11643 check character wrong in a non-persons feed",
        raw([sh, "%s,2026-08,%s,330723" % (wrong, e1)]))
    # Dates and months
    for what, val in (("date-2023-02-29", "2023-02-29"), ("date-month-13", "2023-13-01"),
                      ("date-not-padded", "2023-1-5")):
        bad(nn(what), "certificates", 3, "issued_on", "issued_on '%s'" % val,
            raw([ch, "Y000033072300901,%s,%s,2,2023-01-05" % (man, LATHE),
                 "Y000033072300902,%s,%s,3,%s" % (woman, ASSEMBLY, val)]))
    for what, val in (("month-13", "2024-13"), ("month-not-padded", "2024-3")):
        bad(nn(what), "social_insurance", 2, "month", "month '%s'" % val,
            raw([sh, "%s,%s,%s,330723" % (p01, val, e1)]))
    # Amounts
    for what, val in (("amount-three-decimals", "1.234"), ("amount-negative", "-5.00"),
                      ("amount-exponent", "1e3"), ("amount-trailing-dot", "12."),
                      ("amount-leading-dot", ".5"), ("amount-13-digits", "1234567890123"),
                      ("amount-empty", "")):
        bad(nn(what), "enterprise_allowance", 3, "amount", "amount '%s'" % val,
            raw([ah, "%s,%s,2026-07,100.00" % (p01, e1), "%s,%s,2026-08,%s" % (p01, e1, val)]))
    # Enumerations
    bad(nn("retire-group-unknown"), "persons", 2, "retire_group", "retire_group X60",
        raw([ph, "%s,余志明,X60," % man]))
    bad(nn("ownership-unknown"), "employers", 2, "ownership", "ownership foo",
        raw([eh, good_e.replace("local", "foo")]))
    bad(nn("title-unknown"), "titles", 2, "title", "title foo",
        raw([",".join(HEADERS["titles"]), "%s,foo,武人社〔2025〕12号,2025-03-01" % man]))
    bad(nn("cert-level-6"), "certificates", 2, "level", "level 6",
        raw([ch, "Y000033072300903,%s,%s,6,2023-01-05" % (man, LATHE)]))
    bad(nn("op-delete"), "discipline", 3, "op", "op 'delete' (only upsert, retract)",
        raw(["case_no,person_id,decided_on,op", "武监处〔2025〕30号,%s,2025-06-01," % man,
             "武监处〔2025〕31号,%s,2025-06-02,delete" % man2]))
    bad(nn("retire-group-contradicts-sex"), "persons", 2, "retire_group",
        "a woman's number (digit 17 even) with M60", raw([ph, "%s,詹小英,M60," % woman]))
    bad(nn("male-id-with-f55"), "persons", 2, "retire_group",
        "a man's number (digit 17 odd) with F55", raw([ph, "%s,余志明,F55," % man]))
    # Cross-field and ranges
    bad(nn("end-before-start"), "employment", 2, "end_date", "end_date 2020-01-31 before start 2020-02-01",
        raw([jh, "%s,%s,2020-02-01,2020-01-31,%s," % (man, e1, LATHE)]))
    for what, val in (("appointed-level-0", "0"), ("appointed-level-6", "6")):
        bad(nn(what), "employment", 2, "appointed_level", "appointed_level %s" % val,
            raw([jh, "%s,%s,2020-02-01,,%s,%s" % (man, e1, LATHE, val)]))
    bad(nn("region-5-digits"), "employers", 2, "region", "region '33072'",
        raw([eh, good_e.replace(",330723,", ",33072,")]))
    bad(nn("account-no-7-digits"), "bank_accounts", 2, "account_no", "account_no 7 digits",
        raw([bh, "%s,2026-08-20,6217001,余志明,105338000012" % man]))
    bad(nn("bank-code-11-digits"), "bank_accounts", 2, "bank_code", "bank_code 11 digits",
        raw([bh, "%s,2026-08-20,6217001234567890123,余志明,10533800001" % man]))
    # Text
    bad(nn("text-201-chars"), "persons", 2, "name", "name of 201 Chinese characters (limit 200)",
        raw([ph, "%s,%s,M60," % (man, "武" * 201)]))
    bad(nn("control-tab-in-name"), "persons", 2, "name", "a TAB inside a quoted name",
        raw([ph, '%s,"余\t志明",M60,' % man]))
    bad(nn("control-x01-in-name"), "employers", 2, "name", "a U+0001 inside a quoted name",
        raw([eh, good_e.replace("武义县永康五金厂", '"武义县\x01永康五金厂"')]))
    bad(nn("invalid-utf8"), "persons", 2, "name", "bytes C3 28 (not UTF-8) in the name",
        raw([ph, man.encode() + b",\xc3\x28\xe5\xbf\x97,M60,"]))
    # Header
    bad(nn("missing-column"), "persons", 1, "retire_group", "required column retire_group absent",
        raw(["person_id,name,retired_on", "%s,余志明," % man]))
    bad(nn("unknown-column"), "persons", 1, "sex", "unknown column sex",
        raw([ph + ",sex", "%s,余志明,M60,,M" % man]))
    bad(nn("repeated-column"), "persons", 1, "name", "column name twice",
        raw(["person_id,name,retire_group,name", "%s,余志明,M60,余志明" % man]))
    # Keys
    bad(nn("duplicate-key"), "persons", 3, "person_id",
        "the same person_id on lines 2 and 3 (reported at the second; the message names both)",
        raw([ph, good_p, "%s,余智明,M60," % man]))
    bad(nn("retract-unknown-key"), "certificates", 2, "op",
        "retract of a cert_no never ingested (reported on op: a key may span several columns)",
        raw([ch + ",op", "Y000033072399999,,,,,retract"]))
    bad(nn("empty-required-field"), "employment", 2, "occupation_code", "occupation_code empty",
        raw([jh, "%s,%s,2020-02-01,,,1" % (man, e1)]))
    bad(nn("empty-key-field"), "social_insurance", 2, "employer_id", "employer_id empty",
        raw([sh, "%s,2026-08,,330723" % p01]))
    # Parameters
    bad(nn("parameter-unknown-name"), "parameters", 2, "name", "TECH.weekly is no parameter",
        raw([prh, "TECH.weekly,2027-01-01,5000"]))
    bad(nn("parameter-policy-start"), "parameters", 2, "name", "policy_start is fixed",
        raw([prh, "policy_start,2027-01-01,20270101"]))
    bad(nn("parameter-county-region"), "parameters", 2, "name", "county_region is fixed",
        raw([prh, "county_region,2027-01-01,330702"]))
    bad(nn("parameter-value-not-whole"), "parameters", 3, "value",
        "value 200.00 (yuan written where fen are meant)",
        raw([prh, "CHIEF.cap,2027-01-01,50000", "TECH.monthly,2027-01-01,200.00"]))
    bad(nn("paid-history-kind-unknown"), "paid_history", 2, "kind", "kind ALLOWANCE",
        raw([",".join(HEADERS["paid_history"]), "%s,%s,2022-01,ALLOWANCE,200.00" % (p01, p01)]))
    # Record structure
    bad(nn("too-few-fields"), "persons", 3, "-", "3 fields under a 4-column header",
        raw([ph, good_p, "%s,吕国华,M60" % man2]))
    bad(nn("too-many-fields"), "persons", 3, "-", "5 fields under a 4-column header",
        raw([ph, good_p, "%s,吕国华,M60,,x" % man2]))
    bad(nn("unterminated-quote"), "persons", 3, "-", "a quote opened on the last line, never closed",
        raw([ph, good_p, '%s,"吕国华,M60,' % man2]))


# ---------------------------------------------------------------------------------------------
# A small independent validator of FEEDS.md, run over everything written
# ---------------------------------------------------------------------------------------------

OPTIONAL = {"retired_on", "skill_allowance_since", "chief_qualified_since", "end_date",
            "appointed_level", "ended_on", "op"}
KEYS = {
    "persons": ["person_id"], "employers": ["employer_id", "valid_from"],
    "employment": ["person_id", "employer_id", "start_date"], "certificates": ["cert_no"],
    "titles": ["person_id", "title", "doc_no"],
    "social_insurance": ["person_id", "month", "employer_id"],
    "enterprise_allowance": ["person_id", "employer_id", "month"], "discipline": ["case_no"],
    "chief_craftsmen": ["employer_id", "person_id", "appointed_on"],
    "bank_accounts": ["payee_id", "valid_from"], "parameters": ["name", "effective_from"],
    "paid_history": ["payee_id", "person_id", "month", "kind"],
}
PARAMS = {"TOP.monthly", "TOP.window_months", "TOP.award", "STAR.monthly", "STAR.window_months",
          "STAR.award", "ACE.monthly", "ACE.window_months", "ACE.award", "SRTECH.monthly",
          "SRTECH.cap_months", "TECH.monthly", "TECH.cap_months", "TECH.service_days",
          "ethics_lookback_months", "CHIEF.rate_pct", "CHIEF.cap"}
KINDS = {"TOP", "STAR", "ACE", "SRTECH", "TECH", "TOP_AWARD", "STAR_AWARD", "ACE_AWARD", "CHIEF"}


def real_date(s):
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s):
        return None
    try:
        return D(s)
    except ValueError:
        return None


def check_person_id(s):
    if len(s) != 18 or not s[:17].isdigit() or s[17] not in "0123456789Xx":
        return False
    if not id_valid_iso7064(s):
        return False
    try:
        return datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14])) <= datetime.date.today()
    except ValueError:
        return False


def check_field(col, v, feed):
    if v == "":
        return col in OPTIONAL
    if any(ord(c) < 32 or ord(c) == 127 or 0xDC80 <= ord(c) <= 0xDCFF for c in v):
        return False            # control character, or an undecodable byte (surrogateescape)
    if len(v) > 200:
        return False
    if col == "person_id":
        return check_person_id(v)
    if col == "employer_id":
        return credit_valid_mod31(v) and v[2:8].isdigit()
    if col == "payee_id":
        return check_person_id(v) or (credit_valid_mod31(v) and v[2:8].isdigit())
    if col in ("retired_on", "valid_from", "skill_allowance_since", "chief_qualified_since",
               "start_date", "end_date", "issued_on", "doc_date", "decided_on", "appointed_on",
               "ended_on", "effective_from"):
        return real_date(v) is not None
    if col == "month":
        return real_date(v + "-01") is not None
    if col == "amount":
        return re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,2})?", v) is not None
    if col == "retire_group":
        return v in ("M60", "F55", "F50")
    if col == "ownership":
        return v in ("local", "provincial", "central", "public")
    if col == "region":
        return re.fullmatch(r"[0-9]{6}", v) is not None
    if col == "title":
        return v in ("top_talent", "skill_star", "skill_ace")
    if col == "level" or col == "appointed_level":
        return v in ("1", "2", "3", "4", "5")
    if col == "account_no":
        return re.fullmatch(r"[0-9]{8,32}", v) is not None
    if col == "bank_code":
        return re.fullmatch(r"[0-9]{12}", v) is not None
    if col == "name" and feed == "parameters":
        return v in PARAMS
    if col == "value":
        return re.fullmatch(r"[0-9]+", v) is not None
    if col == "kind":
        return v in KINDS
    if col == "op":
        return v in ("upsert", "retract")
    return True


def validate(feed, data, known_keys):
    """Errors [(line, column)] of one file, as FEEDS.md describes them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="surrogateescape")
    header = text.split("\n", 1)[0].split(",")
    cols = HEADERS[feed]
    errs = [(1, c) for c in header if c not in cols + ["op"]]
    errs += [(1, c) for i, c in enumerate(header) if c in header[:i]]
    errs += [(1, c) for c in cols if c not in header and c not in OPTIONAL]
    if errs:
        return errs
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    seen = {}
    try:
        for row in reader:
            line = reader.line_num
            if len(row) != len(header):
                errs.append((line, "-"))
                continue
            r = dict(zip(header, row))
            key = tuple(r[k] for k in KEYS[feed])
            if r.get("op") == "retract":
                bad_cols = [c for c in KEYS[feed] if not check_field(c, r[c], feed)]
                if bad_cols:
                    errs.append((line, bad_cols[0]))
                elif key not in known_keys[feed] and key not in seen:
                    errs.append((line, "op"))
                continue
            row_errs = [(line, c) for c in header if not check_field(c, r[c], feed)]
            if not row_errs and feed == "persons":
                if (int(r["person_id"][16]) % 2 == 1) != (r["retire_group"] == "M60"):
                    row_errs.append((line, "retire_group"))
            if not row_errs and feed == "employment" and r["end_date"]:
                if r["end_date"] < r["start_date"]:
                    row_errs.append((line, "end_date"))
            if not row_errs and key in seen:
                row_errs.append((line, KEYS[feed][0]))
            seen[key] = line
            errs += row_errs
    except csv.Error:
        errs.append((reader.line_num, "-"))
    return errs


def self_check():
    known = {f: set() for f in HEADERS}
    demo = [rel for rel in sorted(FILES) if rel.startswith("fixtures/demo/") and rel.endswith(".csv")]
    # The base load first (it is also what the bad-input test loads), then the deliveries.
    for rel in sorted(demo, key=lambda rel: (rel.count("/"), rel)):
        feed = os.path.basename(rel)[:-4].split("-", 1)[0]
        errs = validate(feed, FILES[rel], known)
        assert not errs, (rel, errs[:5])
        if rel.count("/") == 2:
            for row in csv.DictReader(io.StringIO(FILES[rel].decode("utf-8"))):
                known[feed].add(tuple(row[k] for k in KEYS[feed]))
    for dirname, feed, line, column, note in BAD:
        errs = validate(feed, FILES["tests/cli/bad/%s/%s.csv" % (dirname, feed)], known)
        assert errs == [(line, column)], (dirname, errs)
    assert len(BAD) >= 35
    # The appeal's retraction and correction hit keys of the base load.
    appeal_cert = FILES["fixtures/demo/appeal/certificates.csv"].decode().split("\n")[1]
    assert (appeal_cert.split(",")[0],) in known["certificates"]
    corr = FILES["fixtures/demo/appeal/employment.csv"].decode().split("\n")[1].split(",")
    assert tuple(corr[:3]) in known["employment"]


def catalogue():
    lines = ["dir\tfeed_file\texpected_exit\texpected_line\texpected_column\tnote"]
    for dirname, feed, line, column, note in BAD:
        assert "\t" not in note
        lines.append("%s\t%s.csv\t2\t%d\t%s\t%s" % (dirname, feed, line, column, note))
    put("tests/cli/bad/CATALOGUE.tsv", "\n".join(lines) + "\n")


def write_all():
    for d in ("fixtures/demo", "tests/cli/bad"):
        full = os.path.join(ROOT, d)
        if os.path.isdir(full):      # only generated content lives here
            for name in os.listdir(full):
                path = os.path.join(full, name)
                if os.path.isdir(path):
                    shutil.rmtree(path)
                elif name.endswith((".csv", ".md", ".tsv")):
                    os.remove(path)
    for rel in sorted(FILES):
        path = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(FILES[rel])


def main():
    demo_feeds()
    bad_cases()
    catalogue()
    self_check()
    demo_readme()
    write_all()
    print("wrote %d files under %s" % (len(FILES), ROOT))


if __name__ == "__main__":
    main()
