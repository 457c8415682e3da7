-- 0005_monthly_feeds_clustered.sql - social_insurance and enterprise_allowance, the feeds that
-- grow every month, become WITHOUT ROWID tables clustered by their key. Until now each row was
-- written twice, to a table in load order and to the covering person index of 0003, and
-- ingest looked every key up before inserting it. Now the row sits once, in
-- (person_id, month, employer_id) order (social_insurance: after `hot`, below), the order the run
-- reads a person's months in, and the primary key itself keeps one current row per key: retired_in is 0 while the row is
-- current and the batch that superseded or retracted it afterwards (batch_out, repeated where
-- the key can see it), so an insert of a held key does nothing and ingest looks the key up
-- only then. These two tables have no id column (a row is named by its key and batch_in) and
-- no fact_key column (their key is the three columns; computing it on every insert was a fifth
-- of the ingest's time).
--
-- social_insurance, a row per insured person and month, is split in two by `hot`: the recent
-- months (month >= social_insurance_hot.from_month) are a small person-clustered range of their
-- own, so that a month's delivery writes the pages of a few months of rows instead of a page of
-- every person in the county. A close moves the recent rows into the big range (hot = 0) once
-- they span six months (src/store/fold.c), a page of every person once in six months. A
-- person's rows are then two ranges: readers ask for `hot IN (0, 1) AND person_id = ?`, two
-- seeks. Which range a key lives in follows from its month alone, so the primary key still
-- keeps one current row per key.

CREATE TABLE social_insurance_clustered (
	hot         INTEGER NOT NULL DEFAULT 0, -- 1 when month >= social_insurance_hot.from_month
	person_id   TEXT NOT NULL,
	month       INTEGER NOT NULL,         -- yyyymm
	employer_id TEXT NOT NULL,
	retired_in  INTEGER NOT NULL DEFAULT 0, -- 0 while current, else batch_out
	batch_in    INTEGER NOT NULL,
	batch_out   INTEGER,
	line        INTEGER NOT NULL,
	region      INTEGER NOT NULL,         -- where the contribution was paid (R1, R2a)
	PRIMARY KEY (hot, person_id, month, employer_id, retired_in)
) WITHOUT ROWID;
INSERT INTO social_insurance_clustered(person_id, month, employer_id, retired_in, batch_in, batch_out, line, region)
	SELECT person_id, month, employer_id, coalesce(batch_out, 0), batch_in, batch_out, line, region
	FROM social_insurance;
DROP TABLE social_insurance;
ALTER TABLE social_insurance_clustered RENAME TO social_insurance;

-- The first month of the recent range; 999999 (none) until the first close.
CREATE TABLE social_insurance_hot (
	from_month INTEGER NOT NULL
);
INSERT INTO social_insurance_hot(from_month) VALUES (999999);

CREATE TABLE enterprise_allowance_clustered (
	person_id   TEXT NOT NULL,
	month       INTEGER NOT NULL,         -- yyyymm
	employer_id TEXT NOT NULL,
	retired_in  INTEGER NOT NULL DEFAULT 0, -- 0 while current, else batch_out
	batch_in    INTEGER NOT NULL,
	batch_out   INTEGER,
	line        INTEGER NOT NULL,
	amount_fen  INTEGER NOT NULL,         -- >= 0 (R4e, R13)
	PRIMARY KEY (person_id, month, employer_id, retired_in)
) WITHOUT ROWID;
INSERT INTO enterprise_allowance_clustered(person_id, month, employer_id, retired_in, batch_in, batch_out, line, amount_fen)
	SELECT person_id, month, employer_id, coalesce(batch_out, 0), batch_in, batch_out, line, amount_fen
	FROM enterprise_allowance;
DROP TABLE enterprise_allowance;
ALTER TABLE enterprise_allowance_clustered RENAME TO enterprise_allowance;
