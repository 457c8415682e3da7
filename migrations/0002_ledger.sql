-- 0002_ledger.sql - runs, drafts, the append-only hash-chained ledger, payments and holds.

-- runs: the latest draft of each pay month (run replaces it; close consumes it).
CREATE TABLE runs (
	run_month   INTEGER PRIMARY KEY,      -- yyyymm
	as_of_batch INTEGER NOT NULL,         -- the newest batch when the draft was computed
	ran_at      TEXT NOT NULL             -- UTC, ISO 8601
);

-- draft_lines: the differences a run would post (CLI.md ledger columns, without ids and hashes).
CREATE TABLE draft_lines (
	run_month     INTEGER NOT NULL,
	payee_id      TEXT NOT NULL,
	person_id     TEXT NOT NULL,
	service_month INTEGER NOT NULL,
	kind          TEXT NOT NULL,
	line_type     TEXT NOT NULL,          -- regular, retro, award or opening
	amount_fen    INTEGER NOT NULL,
	funding       TEXT NOT NULL,
	rule          TEXT NOT NULL,
	clause        TEXT NOT NULL,
	appeal        TEXT
);
CREATE INDEX draft_lines_month ON draft_lines(run_month, payee_id, person_id, service_month, kind, line_type);

-- draft_payments: per payee with a positive balance after the draft: a transfer or a hold.
CREATE TABLE draft_payments (
	run_month    INTEGER NOT NULL,
	payee_id     TEXT NOT NULL,
	amount_fen   INTEGER NOT NULL,        -- > 0
	funding      TEXT NOT NULL,
	hold_reason  TEXT,                    -- NULL: paid; else why it is held (R11)
	account_no   TEXT,
	account_name TEXT,
	bank_code    TEXT,
	PRIMARY KEY (run_month, payee_id)
);

-- closes: one row per closed pay month, in order.
CREATE TABLE closes (
	run_month   INTEGER PRIMARY KEY,      -- yyyymm
	as_of_batch INTEGER NOT NULL,         -- facts as known at this batch decided the month (replay)
	closed_at   TEXT NOT NULL,            -- UTC, ISO 8601; also the bank files' creation time
	closed_by   TEXT NOT NULL,            -- --by, else the user name
	first_line  INTEGER,                  -- ledger line ids this close posted, NULL if none
	last_line   INTEGER
);

-- ledger: posted lines, never updated or deleted. hash = SHA-256(prev_hash | canonical fields).
CREATE TABLE ledger (
	line_id       INTEGER PRIMARY KEY,    -- 1, 2, 3 ... in posting order
	run_month     INTEGER NOT NULL,       -- the pay month whose close posted it
	payee_id      TEXT NOT NULL,          -- the person, or the employer for CHIEF
	person_id     TEXT NOT NULL,
	service_month INTEGER NOT NULL,       -- the month it is for
	kind          TEXT NOT NULL,
	line_type     TEXT NOT NULL,
	amount_fen    INTEGER NOT NULL,       -- may be negative
	funding       TEXT NOT NULL,          -- TALENT
	rule          TEXT NOT NULL,
	clause        TEXT NOT NULL,
	appeal        TEXT,
	prev_hash     TEXT NOT NULL,          -- hash of the line before (64 zeros for the first)
	hash          TEXT NOT NULL
);
CREATE INDEX ledger_person ON ledger(person_id, payee_id, service_month, kind);
CREATE INDEX ledger_payee ON ledger(payee_id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
	BEGIN SELECT RAISE(ABORT, 'ledger lines are never updated'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
	BEGIN SELECT RAISE(ABORT, 'ledger lines are never deleted'); END;

-- payments: transfers fixed at close. Their outcome is in payment_status, never here.
CREATE TABLE payments (
	payment_id    INTEGER PRIMARY KEY,
	run_month     INTEGER NOT NULL,
	payee_id      TEXT NOT NULL,
	amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
	funding       TEXT NOT NULL,
	end_to_end_id TEXT NOT NULL UNIQUE,   -- SP<YYYYMM><8-digit sequence>, never reused
	account_no    TEXT NOT NULL,
	account_name  TEXT NOT NULL,
	bank_code     TEXT NOT NULL
);
CREATE INDEX payments_payee ON payments(payee_id);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
	BEGIN SELECT RAISE(ABORT, 'payments are never updated'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
	BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;

-- payment_status: what bank returns said, in the order read; the latest row is the status.
CREATE TABLE payment_status (
	id          INTEGER PRIMARY KEY,
	payment_id  INTEGER NOT NULL REFERENCES payments(payment_id),
	batch_id    INTEGER NOT NULL,         -- the bank return's batch
	status      TEXT NOT NULL,            -- settled or rejected
	reason_code TEXT                      -- ISO 20022 status reason, e.g. AC04
);
CREATE INDEX payment_status_payment ON payment_status(payment_id, id);

-- holds: positive balances that a close did not transfer, and why (R11).
CREATE TABLE holds (
	run_month   INTEGER NOT NULL,
	payee_id    TEXT NOT NULL,
	amount_fen  INTEGER NOT NULL,
	hold_reason TEXT NOT NULL,
	PRIMARY KEY (run_month, payee_id)
);
