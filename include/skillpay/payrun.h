/* payrun.h - the monthly run (draft) and close (ledger, payments) of RULES.md section 7.
 * One mechanism for everything: recompute each payee's entitlement for every month since
 * 2021-08 with the facts known now, compare with what the ledger holds, post the difference. */
#ifndef SKILLPAY_PAYRUN_H
#define SKILLPAY_PAYRUN_H

#include <stdbool.h>
#include <stdint.h>
#include "skillpay/error.h"
#include "skillpay/rules.h"
#include "skillpay/store.h"

#define PAYRUN_LINE_TYPES 4   /* regular, retro, award, opening */

struct payrun_summary {
	int32_t month;                        /* yyyymm */
	int64_t as_of_batch;
	long persons_evaluated;
	long payees_with_lines;
	long lines;
	int64_t by_kind_fen[KIND_COUNT];      /* draft lines, opening excluded */
	int64_t by_type_fen[PAYRUN_LINE_TYPES];
	long payments;
	int64_t payments_fen;
	long held;
	int64_t held_fen;
	long negative_balances;
	int64_t negative_fen;
	long warnings;
	bool incremental;                     /* past months recomputed only for changed persons */
};

extern const char *const payrun_line_types[PAYRUN_LINE_TYPES];

/* A warning for the run's summary (unresolved reference, negative balance, hold). */
typedef void (*payrun_warn_fn)(void *ctx, const char *message);

/* skillpay run --month M: replaces M's draft. M must be the month after the last closed (any
 * month from 2021-08 when none is closed); otherwise SP_EXIT_STATE. Holds the writer lock.
 * Unless full, past months are recomputed only for persons whose facts changed since the
 * previous close; the draft is the same either way (tests/cli/test_incremental.sh). */
int payrun_run(struct store *s, int32_t month_yyyymm, bool full, payrun_warn_fn warn, void *warn_ctx,
	       struct payrun_summary *ret, struct sp_error *err);

struct payrun_close_result {
	long lines;
	long payments;
	int64_t payments_fen;
	long held;
	int64_t first_line, last_line;
};

/* skillpay close --month M: appends M's draft to the ledger (hash-chained) and fixes its
 * payments, in one transaction. SP_EXIT_STATE when M is closed, out of order, has no draft,
 * or the draft is older than the latest ingest or reconcile. */
int payrun_close(struct store *s, int32_t month_yyyymm, const char *closed_by,
		 struct payrun_close_result *ret, struct sp_error *err);

struct payrun_replay_result {
	int64_t as_of_batch;          /* the batch the month's close was computed at */
	long persons_evaluated;
	long lines_recomputed;
	long lines_posted;            /* the month's ledger lines, opening lines excluded */
	long differences;             /* keys whose recomputed sum differs from the ledger's */
};

/* One (payee, person, month, kind) where the replay and the ledger disagree. */
typedef void (*payrun_diff_fn)(void *ctx, const char *payee_id, const char *person_id,
			       int32_t service_month, const char *kind, int64_t replayed_fen,
			       int64_t posted_fen);

/* skillpay replay --month M: recomputes closed month M from the facts and parameters as known
 * at its close (closes.as_of_batch) against what was posted before it, and compares with the
 * lines M's close posted. Changes nothing. SP_EXIT_STATE when M is not closed. */
int payrun_replay(struct store *s, int32_t month_yyyymm, payrun_diff_fn diff, void *diff_ctx,
		  struct payrun_replay_result *ret, struct sp_error *err);

/* The hash of a ledger line: SHA-256 (hex) of prev_hash and the line's canonical fields. */
void ledger_line_hash(const char *prev_hash, int64_t line_id, int32_t run_month,
		      const char *payee_id, const char *person_id, int32_t service_month,
		      const char *kind, const char *line_type, int64_t amount_fen,
		      const char *funding, const char *rule, const char *clause,
		      const char *appeal, char ret_hex[static 65]);

#endif
