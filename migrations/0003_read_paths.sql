-- 0003_read_paths.sql - indexes for the run's reads, from the tier M profile (docs/BENCH.md).

-- employers by id: the run's check of employment rows against known employers (a scan per
-- row without it) and every lookup of an employer's dated rows.
CREATE INDEX employers_employer ON employers(employer_id, valid_from);

-- Covering indexes for reading one person's social insurance and enterprise allowance in
-- month order: the run reads them without touching the table rows.
DROP INDEX social_insurance_person;
CREATE INDEX social_insurance_person ON social_insurance(person_id, month, employer_id, region, batch_in, batch_out);
DROP INDEX enterprise_allowance_person;
CREATE INDEX enterprise_allowance_person ON enterprise_allowance(person_id, month, employer_id, amount_fen, batch_in, batch_out);
