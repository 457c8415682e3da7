/* payments.c - each payee's balance after a draft, and whether it is paid or held (R10, R11). */
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

#define AS_OF(b) " batch_in <= " b " AND (batch_out IS NULL OR batch_out > " b ") "

/* R10: balance = ledger lines (opening lines were paid outside) + this draft - payments the
 * bank has not rejected (a payment's status is its latest payment_status row). */
static const char balances_sql[] =
	"WITH rejected AS (SELECT ps.payment_id FROM payment_status ps"
	"  WHERE ps.id = (SELECT max(id) FROM payment_status p2 WHERE p2.payment_id = ps.payment_id)"
	"  AND ps.status = 'rejected'),"
	" owed(payee_id, a) AS ("
	"  SELECT payee_id, amount_fen FROM ledger WHERE line_type <> 'opening'"
	"  UNION ALL SELECT payee_id, amount_fen FROM draft_lines WHERE run_month = ?1 AND line_type <> 'opening'"
	"  UNION ALL SELECT payee_id, -amount_fen FROM payments WHERE payment_id NOT IN (SELECT payment_id FROM rejected))"
	" SELECT payee_id, sum(a) FROM owed GROUP BY payee_id HAVING sum(a) <> 0 ORDER BY payee_id";

struct payee_lookup {
	sqlite3_stmt *account, *person_name, *employer_name, *last_status, *new_account, *insert;
};

static int lookups_prepare(struct store *s, struct payee_lookup *l, struct sp_error *err)
{
	return store_prepare(s, "SELECT account_no, account_name, bank_code FROM bank_accounts WHERE payee_id = ?2"
				" AND" AS_OF("?1") "AND valid_from <= ?3 ORDER BY valid_from DESC LIMIT 1", &l->account, err) < 0 ||
	       store_prepare(s, "SELECT name FROM persons WHERE person_id = ?2 AND" AS_OF("?1"), &l->person_name, err) < 0 ||
	       /* RULES §3: the row in force on the day, the earliest row standing for days before it. */
	       store_prepare(s, "SELECT name FROM employers WHERE employer_id = ?2 AND" AS_OF("?1")
				"ORDER BY valid_from <= ?3 DESC, CASE WHEN valid_from <= ?3 THEN -valid_from ELSE valid_from END"
				" LIMIT 1", &l->employer_name, err) < 0 ||
	       store_prepare(s, "SELECT ps.status, ps.reason_code, ps.batch_id FROM payments p"
				" JOIN payment_status ps ON ps.payment_id = p.payment_id WHERE p.payee_id = ?1"
				" ORDER BY p.payment_id DESC, ps.id DESC LIMIT 1", &l->last_status, err) < 0 ||
	       store_prepare(s, "SELECT 1 FROM bank_accounts WHERE payee_id = ?1 AND batch_in > ?2 LIMIT 1",
			     &l->new_account, err) < 0 ||
	       store_prepare(s, "INSERT INTO draft_payments(run_month, payee_id, amount_fen, funding, hold_reason,"
				" account_no, account_name, bank_code) VALUES (?1, ?2, ?3, 'TALENT', ?4, ?5, ?6, ?7)",
			     &l->insert, err) < 0 ? -1 : 0;
}

static void lookups_release(struct payee_lookup *l)
{
	sqlite3_finalize(l->account);
	sqlite3_finalize(l->person_name);
	sqlite3_finalize(l->employer_name);
	sqlite3_finalize(l->last_status);
	sqlite3_finalize(l->new_account);
	sqlite3_finalize(l->insert);
}

/* The payee's name: the persons row, else the employers row in force on last_day. */
static void payee_name(struct payee_lookup *l, int64_t as_of, const char *payee, int32_t last_day,
		       char ret[static 801])
{
	sqlite3_stmt *sts[2] = { l->person_name, l->employer_name };

	ret[0] = '\0';
	for (int i = 0; i < 2 && !ret[0]; i++) {
		sqlite3_stmt *st = sts[i];

		sqlite3_bind_int64(st, 1, as_of);
		sqlite3_bind_text(st, 2, payee, -1, SQLITE_STATIC);
		if (i == 1)
			sqlite3_bind_int(st, 3, last_day);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(ret, 801, "%s", store_text(st, 0));
		sqlite3_reset(st);
	}
}

/* R11: why a positive balance is held, or NULL when it is paid. */
static const char *hold_reason(struct payee_lookup *l, int64_t as_of, const char *payee, int32_t last_day,
			       char acct[3][801], char why[static 256])
{
	char name[801];
	bool has_account;

	sqlite3_bind_int64(l->account, 1, as_of);
	sqlite3_bind_text(l->account, 2, payee, -1, SQLITE_STATIC);
	sqlite3_bind_int(l->account, 3, last_day);
	has_account = sqlite3_step(l->account) == SQLITE_ROW;
	for (int i = 0; i < 3; i++)
		snprintf(acct[i], 801, "%s", has_account ? store_text(l->account, i) : "");
	sqlite3_reset(l->account);
	if (!has_account)
		return "no bank account";
	payee_name(l, as_of, payee, last_day, name);
	if (strcmp(name, acct[1]) != 0) {
		snprintf(why, 256, "account name '%.80s' is not the payee's name '%.80s' (BE01)", acct[1], name);
		return why;
	}
	sqlite3_bind_text(l->last_status, 1, payee, -1, SQLITE_STATIC);
	if (sqlite3_step(l->last_status) == SQLITE_ROW && strcmp(store_text(l->last_status, 0), "rejected") == 0) {
		int64_t rejected_in = sqlite3_column_int64(l->last_status, 2);
		bool renewed;

		snprintf(why, 256, "last payment rejected (%.8s) and no bank account row ingested since",
			 store_text(l->last_status, 1));
		sqlite3_reset(l->last_status);
		sqlite3_bind_text(l->new_account, 1, payee, -1, SQLITE_STATIC);
		sqlite3_bind_int64(l->new_account, 2, rejected_in);
		renewed = sqlite3_step(l->new_account) == SQLITE_ROW;
		sqlite3_reset(l->new_account);
		return renewed ? NULL : why;
	}
	sqlite3_reset(l->last_status);
	return NULL;
}

static int payment_insert(struct store *s, struct payee_lookup *l, int32_t month, const char *payee,
			  int64_t amount_fen, const char *reason, char acct[3][801], struct sp_error *err)
{
	sqlite3_stmt *st = l->insert;
	int rc;

	sqlite3_bind_int(st, 1, month);
	sqlite3_bind_text(st, 2, payee, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, amount_fen);
	if (reason)
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_text(st, 5 + i, acct[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "draft payments", err);
}

int payrun_payments(struct store *s, int32_t month, int64_t as_of, struct payrun_summary *sum,
		    payrun_warn_fn warn, void *warn_ctx, struct sp_error *err);

int payrun_payments(struct store *s, int32_t month, int64_t as_of, struct payrun_summary *sum,
		    payrun_warn_fn warn, void *warn_ctx, struct sp_error *err)
{
	struct payee_lookup l = { 0 };
	sqlite3_stmt *st = NULL;
	int32_t last_day = day_to_int(month_last_day(month_from_int(month)));
	int rc = -1;

	if (lookups_prepare(s, &l, err) < 0 || store_prepare(s, balances_sql, &st, err) < 0)
		goto out;
	{
		sqlite3_stmt *del;

		if (store_prepare(s, "DELETE FROM draft_payments WHERE run_month = ?1", &del, err) < 0)
			goto out;
		sqlite3_bind_int(del, 1, month);
		sqlite3_step(del);
		sqlite3_finalize(del);
	}
	sqlite3_bind_int(st, 1, month);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char payee[64], acct[3][801], why[256], msg[512], amount[32];
		int64_t balance = sqlite3_column_int64(st, 1);
		const char *reason;

		snprintf(payee, sizeof(payee), "%s", store_text(st, 0));
		if (balance < 0) {
			/* R10: a debt is carried and recovered from later entitlements, never transferred. */
			sum->negative_balances++;
			sum->negative_fen += balance;
			snprintf(msg, sizeof(msg), "'%s' has a negative balance of %s, carried to later months",
				 payee, money_format(balance, amount));
			sum->warnings++;
			if (warn)
				warn(warn_ctx, msg);
			continue;
		}
		reason = hold_reason(&l, as_of, payee, last_day, acct, why);
		if (payment_insert(s, &l, month, payee, balance, reason, acct, err) < 0) {
			rc = -1;
			goto out;
		}
		if (reason) {
			sum->held++;
			sum->held_fen += balance;
			snprintf(msg, sizeof(msg), "payment of %s to '%s' held: %s", money_format(balance, amount), payee, reason);
			sum->warnings++;
			if (warn)
				warn(warn_ctx, msg);
		} else {
			sum->payments++;
			if (money_add(sum->payments_fen, balance, &sum->payments_fen) < 0) {
				rc = sp_error_set(err, SP_EXIT_INTERNAL, "amount overflow in payments");
				goto out;
			}
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "balances", err);
out:
	sqlite3_finalize(st);
	lookups_release(&l);
	return rc;
}
