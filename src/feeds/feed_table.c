/* feed_table.c - the twelve feeds of FEEDS.md: columns, keys, checks and their SQL. */
#include <string.h>
#include "skillpay/feeds.h"

static const char *const retire_groups[] = { "M60", "F55", "F50", NULL };
static const char *const ownerships[] = { "local", "provincial", "central", "public", NULL };
static const char *const titles[] = { "top_talent", "skill_star", "skill_ace", NULL };

#define FIND(t) "SELECT id, batch_in, line FROM " t " WHERE fact_key = ?1 AND batch_out IS NULL"
#define RETIRE(t) "UPDATE " t " SET batch_out = ?2 WHERE id = ?1"
#define UNSTORE(t) "DELETE FROM " t " WHERE id = ?1 AND batch_in = ?2"

const struct feed_def feed_defs[] = {
	{ "persons", 4, {
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "name", FIELD_TEXT, false, false, NULL, 0, 0 },
		{ "retire_group", FIELD_ENUM, false, false, retire_groups, 0, 0 },
		{ "retired_on", FIELD_DATE, false, true, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO persons(batch_in, line, fact_key, person_id, name, retire_group, retired_on)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", FIND("persons"), RETIRE("persons"), UNSTORE("persons"), false },
	{ "employers", 7, {
		{ "employer_id", FIELD_EMPLOYER_ID, true, false, NULL, 0, 0 },
		{ "valid_from", FIELD_DATE, true, false, NULL, 0, 0 },
		{ "name", FIELD_TEXT, false, false, NULL, 0, 0 },
		{ "region", FIELD_REGION, false, false, NULL, 0, 0 },
		{ "ownership", FIELD_ENUM, false, false, ownerships, 0, 0 },
		{ "skill_allowance_since", FIELD_DATE, false, true, NULL, 0, 0 },
		{ "chief_qualified_since", FIELD_DATE, false, true, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO employers(batch_in, line, fact_key, employer_id, valid_from, name, region,"
	  " ownership, skill_allowance_since, chief_qualified_since)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", FIND("employers"), RETIRE("employers"), UNSTORE("employers"), false },
	{ "employment", 6, {
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "employer_id", FIELD_EMPLOYER_ID, true, false, NULL, 0, 0 },
		{ "start_date", FIELD_DATE, true, false, NULL, 0, 0 },
		{ "end_date", FIELD_DATE, false, true, NULL, 0, 0 },
		{ "occupation_code", FIELD_OCCUPATION, false, false, NULL, 0, 0 },
		{ "appointed_level", FIELD_LEVEL, false, true, NULL, 1, 5 } },
	  "INSERT OR IGNORE INTO employment(batch_in, line, fact_key, person_id, employer_id, start_date,"
	  " end_date, occupation_code, appointed_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	  FIND("employment"), RETIRE("employment"), UNSTORE("employment"), false },
	{ "certificates", 5, {
		{ "cert_no", FIELD_TEXT, true, false, NULL, 0, 0 },
		{ "person_id", FIELD_PERSON_ID, false, false, NULL, 0, 0 },
		{ "occupation_code", FIELD_OCCUPATION, false, false, NULL, 0, 0 },
		{ "level", FIELD_LEVEL, false, false, NULL, 1, 5 },
		{ "issued_on", FIELD_DATE, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO certificates(batch_in, line, fact_key, cert_no, person_id, occupation_code,"
	  " level, issued_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	  FIND("certificates"), RETIRE("certificates"), UNSTORE("certificates"), false },
	{ "titles", 4, {
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "title", FIELD_ENUM, true, false, titles, 0, 0 },
		{ "doc_no", FIELD_TEXT, true, false, NULL, 0, 0 },
		{ "doc_date", FIELD_DATE, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO titles(batch_in, line, fact_key, person_id, title, doc_no, doc_date)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", FIND("titles"), RETIRE("titles"), UNSTORE("titles"), false },
	{ "social_insurance", 4, {
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "month", FIELD_MONTH, true, false, NULL, 0, 0 },
		{ "employer_id", FIELD_EMPLOYER_ID, true, false, NULL, 0, 0 },
		{ "region", FIELD_REGION, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO social_insurance(batch_in, line, hot, person_id, month, employer_id, region)"
	  " VALUES (?1, ?2, ?5 >= " FEED_HOT_FROM ", ?4, ?5, ?6, ?7)",
	  "SELECT batch_in, batch_in, line FROM social_insurance WHERE hot = (?2 >= " FEED_HOT_FROM ")"
	  " AND person_id = ?1 AND month = ?2 AND employer_id = ?3 AND retired_in = 0",
	  "UPDATE social_insurance SET batch_out = ?2, retired_in = ?2 WHERE hot = (?4 >= " FEED_HOT_FROM ")"
	  " AND person_id = ?3 AND month = ?4 AND employer_id = ?5 AND retired_in = 0 AND batch_in = ?1",
	  "DELETE FROM social_insurance WHERE hot = (?4 >= " FEED_HOT_FROM ") AND person_id = ?3 AND month = ?4"
	  " AND employer_id = ?5 AND retired_in = 0 AND batch_in = ?2", true },
	{ "enterprise_allowance", 4, {
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "employer_id", FIELD_EMPLOYER_ID, true, false, NULL, 0, 0 },
		{ "month", FIELD_MONTH, true, false, NULL, 0, 0 },
		{ "amount", FIELD_AMOUNT, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO enterprise_allowance(batch_in, line, person_id, employer_id, month, amount_fen)"
	  " VALUES (?1, ?2, ?4, ?5, ?6, ?7)",
	  "SELECT batch_in, batch_in, line FROM enterprise_allowance WHERE person_id = ?1 AND employer_id = ?2"
	  " AND month = ?3 AND retired_in = 0",
	  "UPDATE enterprise_allowance SET batch_out = ?2, retired_in = ?2 WHERE person_id = ?3 AND employer_id = ?4"
	  " AND month = ?5 AND retired_in = 0 AND batch_in = ?1",
	  "DELETE FROM enterprise_allowance WHERE person_id = ?3 AND employer_id = ?4 AND month = ?5"
	  " AND retired_in = 0 AND batch_in = ?2", true },
	{ "discipline", 3, {
		{ "case_no", FIELD_TEXT, true, false, NULL, 0, 0 },
		{ "person_id", FIELD_PERSON_ID, false, false, NULL, 0, 0 },
		{ "decided_on", FIELD_DATE, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO discipline(batch_in, line, fact_key, case_no, person_id, decided_on)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", FIND("discipline"), RETIRE("discipline"), UNSTORE("discipline"), false },
	{ "chief_craftsmen", 4, {
		{ "employer_id", FIELD_EMPLOYER_ID, true, false, NULL, 0, 0 },
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "appointed_on", FIELD_DATE, true, false, NULL, 0, 0 },
		{ "ended_on", FIELD_DATE, false, true, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO chief_craftsmen(batch_in, line, fact_key, employer_id, person_id, appointed_on,"
	  " ended_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	  FIND("chief_craftsmen"), RETIRE("chief_craftsmen"), UNSTORE("chief_craftsmen"), false },
	{ "bank_accounts", 5, {
		{ "payee_id", FIELD_PAYEE_ID, true, false, NULL, 0, 0 },
		{ "valid_from", FIELD_DATE, true, false, NULL, 0, 0 },
		{ "account_no", FIELD_ACCOUNT_NO, false, false, NULL, 0, 0 },
		{ "account_name", FIELD_TEXT, false, false, NULL, 0, 0 },
		{ "bank_code", FIELD_BANK_CODE, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO bank_accounts(batch_in, line, fact_key, payee_id, valid_from, account_no,"
	  " account_name, bank_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	  FIND("bank_accounts"), RETIRE("bank_accounts"), UNSTORE("bank_accounts"), false },
	{ "parameters", 3, {
		{ "name", FIELD_PARAM_NAME, true, false, NULL, 0, 0 },
		{ "effective_from", FIELD_DATE, true, false, NULL, 0, 0 },
		{ "value", FIELD_WHOLE, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO parameters(batch_in, line, fact_key, name, effective_from, value)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", FIND("parameters"), RETIRE("parameters"), UNSTORE("parameters"), false },
	{ "paid_history", 5, {
		{ "payee_id", FIELD_PAYEE_ID, true, false, NULL, 0, 0 },
		{ "person_id", FIELD_PERSON_ID, true, false, NULL, 0, 0 },
		{ "month", FIELD_MONTH, true, false, NULL, 0, 0 },
		{ "kind", FIELD_KIND, true, false, NULL, 0, 0 },
		{ "amount", FIELD_AMOUNT, false, false, NULL, 0, 0 } },
	  "INSERT OR IGNORE INTO paid_history(batch_in, line, fact_key, payee_id, person_id, month, kind,"
	  " amount_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	  FIND("paid_history"), RETIRE("paid_history"), UNSTORE("paid_history"), false },
};
const int feed_defs_count = sizeof(feed_defs) / sizeof(feed_defs[0]);

const struct feed_def *feed_find(const char *name)
{
	for (int i = 0; i < feed_defs_count; i++)
		if (strcmp(feed_defs[i].name, name) == 0)
			return &feed_defs[i];
	return NULL;
}

const struct feed_def *feed_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char stem[64];
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, "-.");
	if (n == 0 || n >= sizeof(stem))
		return NULL;
	memcpy(stem, base, n);
	stem[n] = '\0';
	return feed_find(stem);
}
