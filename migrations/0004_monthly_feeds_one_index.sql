-- 0004_monthly_feeds_one_index.sql - social_insurance and enterprise_allowance, the feeds that
-- grow every month, keep one index each: the covering person index of 0003. Their fact_key
-- index made every delivered row dirty a page of a second, randomly ordered index. Ingest now
-- finds a key's current row through the person index (person_id, month, employer_id lead it)
-- before inserting; with one writer at a time that keeps one current row per key. The
-- fact_key column stays: it names the key in messages and audits.
DROP INDEX social_insurance_key;
DROP INDEX enterprise_allowance_key;
