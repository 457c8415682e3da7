-- 0001_facts.sql - ingest batches and the twelve feeds as bitemporal fact tables.
--
-- Every fact table has the same first five columns:
--   id        row id, in load order
--   batch_in  the ingest batch that brought the row (batches.batch_id)
--   batch_out the batch that superseded or retracted it; NULL while it is the current fact
--   line      the CSV line of the row in its file (the header is line 1)
--   fact_key  the natural key of FEEDS.md, its columns joined with '|', for supersede lookups
-- The facts as known at batch B are the rows with batch_in <= B and (batch_out IS NULL or
-- batch_out > B): that is how replay and audits read the past. Dates are INTEGER yyyymmdd,
-- months INTEGER yyyymm, amounts INTEGER fen. Optional columns are NULL when empty.

-- batches: one row per ingested file (and per bank return read by reconcile).
CREATE TABLE batches (
	batch_id      INTEGER PRIMARY KEY,  -- 0 is the seed of the initial parameters
	feed          TEXT NOT NULL,        -- feed name, 'seed', or 'bank_return'
	file_name     TEXT NOT NULL,        -- the path as given on the command line
	sha256        TEXT NOT NULL,        -- of the file's bytes; a second load of it is a no-op
	rows_read     INTEGER NOT NULL,     -- data rows in the file
	rows_loaded   INTEGER NOT NULL,     -- rows stored
	rows_rejected INTEGER NOT NULL,     -- rows refused (only with --accept-partial); read = loaded + rejected
	appeal        TEXT,                 -- appeal reference of --appeal, else NULL
	encoding      TEXT NOT NULL,        -- 'utf-8' or 'gbk'
	ingested_at   TEXT NOT NULL,        -- UTC, ISO 8601
	CHECK (rows_read = rows_loaded + rows_rejected)
);
CREATE UNIQUE INDEX batches_sha256 ON batches(sha256) WHERE feed <> 'seed';

-- persons: the talent registry's persons.
CREATE TABLE persons (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id    TEXT NOT NULL,         -- GB 11643 resident identity number, X upper case
	name         TEXT NOT NULL,         -- the name a bank account must carry (R11)
	retire_group TEXT NOT NULL,         -- M60, F55 or F50 (R6)
	retired_on   INTEGER                -- yyyymmdd the person retired, NULL if not (R4g)
);

-- employers: dated rows; the row in force on a day is the latest valid_from on or before it.
CREATE TABLE employers (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	employer_id           TEXT NOT NULL,  -- GB 32100 unified social credit code
	valid_from            INTEGER NOT NULL, -- yyyymmdd
	name                  TEXT NOT NULL,
	region                INTEGER NOT NULL, -- 6-digit administrative code
	ownership             TEXT NOT NULL,  -- local, provincial, central or public
	skill_allowance_since INTEGER,        -- yyyymmdd the enterprise's skill-allowance system began (R4e)
	chief_qualified_since INTEGER         -- yyyymmdd it qualified for the chief craftsman subsidy (R13)
);

-- employment: spells of a person at an employer.
CREATE TABLE employment (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id       TEXT NOT NULL,
	employer_id     TEXT NOT NULL,
	start_date      INTEGER NOT NULL,     -- yyyymmdd
	end_date        INTEGER,              -- yyyymmdd, NULL while open
	occupation_code TEXT NOT NULL,        -- 职业分类大典 code such as 6-18-01-01 (R4b)
	appointed_level INTEGER               -- 1..5 the level the enterprise appointed (R4s), NULL if none
);

-- certificates: vocational qualification or skill level certificates.
CREATE TABLE certificates (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	cert_no         TEXT NOT NULL,
	person_id       TEXT NOT NULL,
	occupation_code TEXT NOT NULL,
	level           INTEGER NOT NULL,     -- 1 高级技师, 2 技师, 3..5
	issued_on       INTEGER NOT NULL      -- yyyymmdd
);

-- titles: designations as 拔尖人才, 技能标兵 or 技能能手.
CREATE TABLE titles (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id TEXT NOT NULL,
	title     TEXT NOT NULL,              -- top_talent, skill_star or skill_ace
	doc_no    TEXT NOT NULL,              -- the designating document, e.g. 武政办〔2022〕12号
	doc_date  INTEGER NOT NULL            -- yyyymmdd of the document (window start, R2/R3)
);

-- social_insurance: one row per person, month and paying employer.
CREATE TABLE social_insurance (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id   TEXT NOT NULL,
	month       INTEGER NOT NULL,         -- yyyymm
	employer_id TEXT NOT NULL,
	region      INTEGER NOT NULL          -- where the contribution was paid (R1, R2a)
);

-- enterprise_allowance: the enterprise skill allowance actually paid in a month.
CREATE TABLE enterprise_allowance (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	person_id   TEXT NOT NULL,
	employer_id TEXT NOT NULL,
	month       INTEGER NOT NULL,         -- yyyymm
	amount_fen  INTEGER NOT NULL          -- >= 0 (R4e, R13)
);

-- discipline: 违法违纪 decisions (R2b, R4f).
CREATE TABLE discipline (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	case_no    TEXT NOT NULL,
	person_id  TEXT NOT NULL,
	decided_on INTEGER NOT NULL           -- yyyymmdd
);

-- chief_craftsmen: 首席工匠 appointments (R13).
CREATE TABLE chief_craftsmen (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	employer_id  TEXT NOT NULL,
	person_id    TEXT NOT NULL,
	appointed_on INTEGER NOT NULL,        -- yyyymmdd
	ended_on     INTEGER                  -- yyyymmdd, NULL while appointed
);

-- bank_accounts: dated accounts of payees (persons or employers) (R11).
CREATE TABLE bank_accounts (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	payee_id     TEXT NOT NULL,           -- a person_id or an employer_id
	valid_from   INTEGER NOT NULL,        -- yyyymmdd
	account_no   TEXT NOT NULL,           -- 8 to 32 digits
	account_name TEXT NOT NULL,           -- must equal the payee's name (R11)
	bank_code    TEXT NOT NULL            -- 12-digit CNAPS code
);

-- parameters: dated values of the rule parameters of RULES.md section 1; batch 0 seeds them.
CREATE TABLE parameters (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	name           TEXT NOT NULL,         -- e.g. TECH.monthly
	effective_from INTEGER NOT NULL,      -- yyyymmdd
	value          INTEGER NOT NULL       -- fen, months, days or percent, as the name says
);

-- paid_history: what was paid before go-live; becomes opening lines at the first close.
CREATE TABLE paid_history (
	id INTEGER PRIMARY KEY, batch_in INTEGER NOT NULL, batch_out INTEGER, line INTEGER NOT NULL, fact_key TEXT NOT NULL,
	payee_id   TEXT NOT NULL,
	person_id  TEXT NOT NULL,
	month      INTEGER NOT NULL,          -- yyyymm the payment was for
	kind       TEXT NOT NULL,             -- ledger kind
	amount_fen INTEGER NOT NULL
);

-- One current row per natural key, and reads of one person's facts by index.
CREATE UNIQUE INDEX persons_key ON persons(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX employers_key ON employers(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX employment_key ON employment(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX certificates_key ON certificates(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX titles_key ON titles(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX social_insurance_key ON social_insurance(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX enterprise_allowance_key ON enterprise_allowance(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX discipline_key ON discipline(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX chief_craftsmen_key ON chief_craftsmen(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX bank_accounts_key ON bank_accounts(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX parameters_key ON parameters(fact_key) WHERE batch_out IS NULL;
CREATE UNIQUE INDEX paid_history_key ON paid_history(fact_key) WHERE batch_out IS NULL;

CREATE INDEX persons_person ON persons(person_id);
CREATE INDEX employment_person ON employment(person_id);
CREATE INDEX certificates_person ON certificates(person_id);
CREATE INDEX titles_person ON titles(person_id);
CREATE INDEX social_insurance_person ON social_insurance(person_id, month);
CREATE INDEX enterprise_allowance_person ON enterprise_allowance(person_id, month);
CREATE INDEX discipline_person ON discipline(person_id);
CREATE INDEX chief_craftsmen_person ON chief_craftsmen(person_id);
CREATE INDEX bank_accounts_payee ON bank_accounts(payee_id, valid_from);
CREATE INDEX paid_history_person ON paid_history(person_id);
-- Rows changed by a batch, for the persons an appeal touched and for incremental runs.
CREATE INDEX employment_batch_out ON employment(batch_out) WHERE batch_out IS NOT NULL;
CREATE INDEX certificates_batch_out ON certificates(batch_out) WHERE batch_out IS NOT NULL;
CREATE INDEX titles_batch_out ON titles(batch_out) WHERE batch_out IS NOT NULL;

-- The initial parameter values of RULES.md section 1 (batch 0, effective 2021-08-01).
INSERT INTO batches VALUES (0, 'seed', 'RULES.md section 1', '', 17, 17, 0, NULL, 'utf-8', '2021-08-01T00:00:00Z');
INSERT INTO parameters(batch_in, line, fact_key, name, effective_from, value) VALUES
	(0, 0, 'TOP.monthly|2021-08-01', 'TOP.monthly', 20210801, 50000),
	(0, 0, 'TOP.window_months|2021-08-01', 'TOP.window_months', 20210801, 36),
	(0, 0, 'TOP.award|2021-08-01', 'TOP.award', 20210801, 600000),
	(0, 0, 'STAR.monthly|2021-08-01', 'STAR.monthly', 20210801, 30000),
	(0, 0, 'STAR.window_months|2021-08-01', 'STAR.window_months', 20210801, 36),
	(0, 0, 'STAR.award|2021-08-01', 'STAR.award', 20210801, 200000),
	(0, 0, 'ACE.monthly|2021-08-01', 'ACE.monthly', 20210801, 20000),
	(0, 0, 'ACE.window_months|2021-08-01', 'ACE.window_months', 20210801, 36),
	(0, 0, 'ACE.award|2021-08-01', 'ACE.award', 20210801, 100000),
	(0, 0, 'SRTECH.monthly|2021-08-01', 'SRTECH.monthly', 20210801, 30000),
	(0, 0, 'SRTECH.cap_months|2021-08-01', 'SRTECH.cap_months', 20210801, 36),
	(0, 0, 'TECH.monthly|2021-08-01', 'TECH.monthly', 20210801, 20000),
	(0, 0, 'TECH.cap_months|2021-08-01', 'TECH.cap_months', 20210801, 36),
	(0, 0, 'TECH.service_days|2021-08-01', 'TECH.service_days', 20210801, 365),
	(0, 0, 'ethics_lookback_months|2021-08-01', 'ethics_lookback_months', 20210801, 12),
	(0, 0, 'CHIEF.rate_pct|2021-08-01', 'CHIEF.rate_pct', 20210801, 30),
	(0, 0, 'CHIEF.cap|2021-08-01', 'CHIEF.cap', 20210801, 50000);
