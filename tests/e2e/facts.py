"""facts.py - a small builder of feed rows for the end-to-end tests."""
from skp import COUNTY, months

OCC = "6-18-01-01"


class Facts:
    def __init__(self):
        self.rows = {}

    def add(self, feed, **row):
        self.rows.setdefault(feed, []).append({k: ("" if v is None else str(v)) for k, v in row.items()})
        return self

    def feeds(self):
        return {k: v for k, v in self.rows.items() if v}

    def extend(self, other):
        for feed, rows in other.rows.items():
            self.rows.setdefault(feed, []).extend(rows)
        return self

    # ---- one-liners for the common facts

    def employer(self, eid, name, valid_from="2000-01-01", region=COUNTY, ownership="local",
                 skill_since="2020-01-01", chief_since=""):
        return self.add("employers", employer_id=eid, valid_from=valid_from, name=name, region=region,
                        ownership=ownership, skill_allowance_since=skill_since,
                        chief_qualified_since=chief_since)

    def person(self, pid, name, group="M60", retired_on=""):
        return self.add("persons", person_id=pid, name=name, retire_group=group, retired_on=retired_on)

    def bank(self, payee, name, n, valid_from="2021-01-01"):
        return self.add("bank_accounts", payee_id=payee, valid_from=valid_from,
                        account_no="62170000%011d" % n, account_name=name, bank_code="102338500016")

    def spell(self, pid, eid, start, end="", occ=OCC, level=""):
        return self.add("employment", person_id=pid, employer_id=eid, start_date=start, end_date=end,
                        occupation_code=occ, appointed_level=level)

    def cert(self, cert_no, pid, level, issued, occ=OCC):
        return self.add("certificates", cert_no=cert_no, person_id=pid, occupation_code=occ,
                        level=level, issued_on=issued)

    def title(self, pid, title, doc_no, doc_date):
        return self.add("titles", person_id=pid, title=title, doc_no=doc_no, doc_date=doc_date)

    def insured(self, pid, eid, first, last, region=COUNTY, skip=()):
        for m in months(first, last):
            if m not in skip:
                self.add("social_insurance", person_id=pid, month=m, employer_id=eid, region=region)
        return self

    def allowance(self, pid, eid, first, last, amount="100.00", skip=()):
        for m in months(first, last):
            if m not in skip:
                self.add("enterprise_allowance", person_id=pid, employer_id=eid, month=m, amount=amount)
        return self

    def technician(self, pid, name, eid, cert_no, issued="2021-03-10", spell_start="2019-05-01",
                   first="2021-01", last="2026-11", skip_si=(), level=2, group="M60", bank_n=1):
        """Example 1's technician: certificate, matching spell, insured and paid an enterprise
        allowance every month."""
        self.person(pid, name, group)
        self.cert(cert_no, pid, level, issued)
        self.spell(pid, eid, spell_start)
        self.insured(pid, eid, first, last, skip=skip_si)
        self.allowance(pid, eid, first, last)
        self.bank(pid, name, bank_n)
        return self
