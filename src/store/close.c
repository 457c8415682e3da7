/* close.c - skillpay close: the draft becomes ledger lines (hash-chained) and payments. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include "skillpay/calendar.h"
#include "skillpay/fault.h"
#include "skillpay/payrun.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void ledger_line_hash(const char *prev_hash, int64_t line_id, int32_t run_month,
		      const char *payee_id, const char *person_id, int32_t service_month,
		      const char *kind, const char *line_type, int64_t amount_fen,
		      const char *funding, const char *rule, const char *clause,
		      const char *appeal, char ret_hex[static 65])
{
	/* The canonical form: the fields in column order, '|'-separated, integers in decimal. */
	char head[512];
	unsigned char digest[32];
	unsigned int n = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	snprintf(head, sizeof(head), "%s|%" PRId64 "|%d|%s|%s|%d|%s|%s|%" PRId64 "|%s|%s|%s|", prev_hash,
		 line_id, run_month, payee_id, person_id, service_month, kind, line_type, amount_fen,
		 funding, rule, clause);
	assert(md);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, head, strlen(head));
	EVP_DigestUpdate(md, appeal ? appeal : "", appeal ? strlen(appeal) : 0);
	EVP_DigestFinal_ex(md, digest, &n);
	EVP_MD_CTX_free(md);
	for (int i = 0; i < 32; i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", digest[i]);
}

static int64_t scalar(struct store *s, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int close_check(struct store *s, int32_t month, int64_t *ret_as_of, struct sp_error *err)
{
	int32_t last = store_last_closed(s);
	char m[8], want[8];
	sqlite3_stmt *st;
	bool have;

	month_format(month_from_int(month), m);
	if (last && month <= last)
		return sp_error_set(err, SP_EXIT_STATE, "month '%s' is %s", m,
				    month == last ? "already closed" : "before the last closed month");
	if (last && month_from_int(month) != month_from_int(last) + 1) {
		month_format(month_from_int(last) + 1, want);
		return sp_error_set(err, SP_EXIT_STATE, "months close in order: the next month to close is %s, not %s", want, m);
	}
	if (store_prepare(s, "SELECT as_of_batch FROM runs WHERE run_month = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, month);
	have = sqlite3_step(st) == SQLITE_ROW;
	*ret_as_of = have ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!have)
		return sp_error_set(err, SP_EXIT_STATE, "month '%s' has no draft (run 'skillpay run --month %s' first)", m, m);
	if (*ret_as_of < store_last_batch(s))
		return sp_error_set(err, SP_EXIT_STATE,
				    "the draft of '%s' is older than the latest ingest or reconcile (run it again)", m);
	return 0;
}

static int post_lines(struct store *s, int32_t month, struct payrun_close_result *ret, struct sp_error *err)
{
	sqlite3_stmt *sel, *ins, *last;
	char prev[65] = ZERO_HASH, hash[65];
	int64_t line_id = 0;
	int rc;

	if (store_prepare(s, "SELECT line_id, hash FROM ledger ORDER BY line_id DESC LIMIT 1", &last, err) < 0)
		return -1;
	if (sqlite3_step(last) == SQLITE_ROW) {
		line_id = sqlite3_column_int64(last, 0);
		snprintf(prev, sizeof(prev), "%s", store_text(last, 1));
	}
	sqlite3_finalize(last);
	if (store_prepare(s, "SELECT payee_id, person_id, service_month, kind, line_type, amount_fen, funding,"
			     " rule, clause, appeal FROM draft_lines WHERE run_month = ?1"
			     " ORDER BY payee_id, person_id, service_month, kind, line_type", &sel, err) < 0)
		return -1;
	if (store_prepare(s, "INSERT INTO ledger(line_id, run_month, payee_id, person_id, service_month, kind,"
			     " line_type, amount_fen, funding, rule, clause, appeal, prev_hash, hash)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &ins, err) < 0) {
		sqlite3_finalize(sel);
		return -1;
	}
	sqlite3_bind_int(sel, 1, month);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *appeal = sqlite3_column_type(sel, 9) == SQLITE_NULL ? NULL : store_text(sel, 9);

		line_id++;
		ledger_line_hash(prev, line_id, month, store_text(sel, 0), store_text(sel, 1),
				 sqlite3_column_int(sel, 2), store_text(sel, 3), store_text(sel, 4),
				 sqlite3_column_int64(sel, 5), store_text(sel, 6), store_text(sel, 7),
				 store_text(sel, 8), appeal, hash);
		sqlite3_bind_int64(ins, 1, line_id);
		sqlite3_bind_int(ins, 2, month);
		for (int c = 0; c < 10; c++)
			sqlite3_bind_value(ins, 3 + c, sqlite3_column_value(sel, c));
		sqlite3_bind_text(ins, 13, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 14, hash, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_reset(ins);
		memcpy(prev, hash, sizeof(prev));
		if (!ret->first_line)
			ret->first_line = line_id;
		ret->last_line = line_id;
		ret->lines++;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "ledger", err);
}

/* Payments get their EndToEndId now: SP<YYYYMM><8-digit sequence>, the sequence being the
 * payment id, which is never reused (payments are never deleted). */
static int post_payments(struct store *s, int32_t month, struct payrun_close_result *ret, struct sp_error *err)
{
	sqlite3_stmt *sel, *ins, *hold;
	int64_t next = scalar(s, "SELECT coalesce(max(payment_id), 0) + 1 FROM payments", 0);
	int rc;

	if (store_prepare(s, "SELECT payee_id, amount_fen, funding, hold_reason, account_no, account_name, bank_code"
			     " FROM draft_payments WHERE run_month = ?1 ORDER BY payee_id", &sel, err) < 0)
		return -1;
	if (store_prepare(s, "INSERT INTO payments(payment_id, run_month, payee_id, amount_fen, funding, end_to_end_id,"
			     " account_no, account_name, bank_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &ins, err) < 0 ||
	    store_prepare(s, "INSERT INTO holds(run_month, payee_id, amount_fen, hold_reason) VALUES (?1, ?2, ?3, ?4)",
			  &hold, err) < 0) {
		sqlite3_finalize(sel);
		sqlite3_finalize(ins);
		return -1;
	}
	sqlite3_bind_int(sel, 1, month);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		sqlite3_stmt *st;

		if (sqlite3_column_type(sel, 3) != SQLITE_NULL) {
			st = hold;
			sqlite3_bind_int(st, 1, month);
			sqlite3_bind_value(st, 2, sqlite3_column_value(sel, 0));
			sqlite3_bind_value(st, 3, sqlite3_column_value(sel, 1));
			sqlite3_bind_value(st, 4, sqlite3_column_value(sel, 3));
			ret->held++;
		} else {
			char e2e[40];

			snprintf(e2e, sizeof(e2e), "SP%06d%08lld", month, (long long)next);
			st = ins;
			sqlite3_bind_int64(st, 1, next++);
			sqlite3_bind_int(st, 2, month);
			for (int c = 0; c < 3; c++)
				sqlite3_bind_value(st, 3 + c, sqlite3_column_value(sel, c));
			sqlite3_bind_text(st, 6, e2e, -1, SQLITE_TRANSIENT);
			for (int c = 0; c < 3; c++)
				sqlite3_bind_value(st, 7 + c, sqlite3_column_value(sel, 4 + c));
			ret->payments++;
			ret->payments_fen += sqlite3_column_int64(sel, 1);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_finalize(hold);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "payments", err);
}

static int record_close(struct store *s, int32_t month, int64_t as_of, const char *by,
			const struct payrun_close_result *ret, struct sp_error *err)
{
	sqlite3_stmt *st;
	char now[24];

	store_now_utc(now);
	if (store_prepare(s, "INSERT INTO closes(run_month, as_of_batch, closed_at, closed_by, first_line, last_line)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, month);
	sqlite3_bind_int64(st, 2, as_of);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	if (ret->lines) {
		sqlite3_bind_int64(st, 5, ret->first_line);
		sqlite3_bind_int64(st, 6, ret->last_line);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, "closes", err);
	}
	sqlite3_finalize(st);
	if (store_prepare(s, "DELETE FROM draft_lines WHERE run_month = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, month);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (store_prepare(s, "DELETE FROM draft_payments WHERE run_month = ?1", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, month);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return 0;
}

int payrun_close(struct store *s, int32_t month, const char *closed_by,
		 struct payrun_close_result *ret, struct sp_error *err)
{
	int64_t as_of = 0;

	memset(ret, 0, sizeof(*ret));
	if (store_begin(s, err) < 0)
		return -1;
	if (close_check(s, month, &as_of, err) < 0 || post_lines(s, month, ret, err) < 0)
		goto fail;
	fault_point("close.after_lines");
	if (post_payments(s, month, ret, err) < 0)
		goto fail;
	fault_point("close.after_payments");
	if (store_fold(s, month, err) < 0 || record_close(s, month, as_of, closed_by, ret, err) < 0)
		goto fail;
	fault_point("close.before_commit");
	return store_commit(s, err);
fail:
	store_rollback(s);
	return -1;
}
