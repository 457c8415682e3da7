/* bankreturn.h - bank returns (CLI.md "Bank returns", RULES.md R10/R11): a pain.002.001.10
 * status report or the CSV `end_to_end_id,status,reason_code`, read into a list of statuses and
 * applied to the payments as payment_status rows, all or nothing. */
#ifndef SKILLPAY_BANKRETURN_H
#define SKILLPAY_BANKRETURN_H

#include <stdbool.h>
#include <stdint.h>
#include "skillpay/error.h"
#include "skillpay/limits.h"
#include "skillpay/store.h"

#define BANKRETURN_ENTRIES_MAX 1000000  /* statuses in one file (bounds every loop) */
#define BANKRETURN_REASON_MAX 4         /* ExternalStatusReason1Code: 1 to 4 characters */
#define BANKRETURN_REASONS_MAX 64       /* distinct reason codes counted in one summary */

enum bankreturn_format { BANKRETURN_CSV, BANKRETURN_PAIN002 };

enum bankreturn_status {
	BANKRETURN_PENDING,   /* ACSP, ACTC, PDNG: no status row */
	BANKRETURN_SETTLED,   /* ACSC, ACCP, or CSV `settled` */
	BANKRETURN_REJECTED,  /* RJCT, or CSV `rejected` */
};

/* What one entry names: one payment, or (pain.002 with no transaction listed under it) every
 * payment of the original message SKILLPAY-YYYY-MM or payment information SKILLPAY-YYYY-MM-FUNDING. */
enum bankreturn_scope { BANKRETURN_ONE, BANKRETURN_MESSAGE, BANKRETURN_PMTINF };

struct bankreturn_entry {
	enum bankreturn_scope scope;
	char ref[SP_END_TO_END_MAX + 1];            /* EndToEndId, OrgnlMsgId or OrgnlPmtInfId */
	enum bankreturn_status status;
	char reason_code[BANKRETURN_REASON_MAX + 1]; /* "" when none */
	bool has_amount;                            /* pain.002 OrgnlTxRef/Amt/InstdAmt was given */
	int64_t amount_fen;
	long line;                                  /* CSV line, or the XML element's line */
};

struct bankreturn {
	enum bankreturn_format format;
	long n;
	long cap;
	struct bankreturn_entry *entries;           /* in file order */
};

/* Called for every problem. line > 0: print `FILE:LINE: SUBJECT: REASON` (SUBJECT a CSV column,
 * or "-"); line == 0: `FILE: SUBJECT: REASON` (SUBJECT "EndToEndId 'X'" for pain.002). */
typedef void (*bankreturn_problem_fn)(void *ctx, const char *file, long line, const char *subject,
				      const char *reason);

/* The directory of pain.002.001.10.xsd: $SKILLPAY_XSD_DIR; else <dir of the executable>/../../shared/xsd;
 * else ../shared/xsd from the current directory (the first that holds the file). Returns 0 and
 * fills ret, or -1 (SP_EXIT_INTERNAL naming the places tried). */
int bankreturn_xsd_dir(char ret[static 4096], struct sp_error *err);

/* Reads path (format told by its content: '<' first = XML, else CSV) into *ret, which the caller
 * releases with bankreturn_release even on failure. XML is validated against xsd_dir's
 * pain.002.001.10.xsd first. Every problem goes to problem_fn; any problem is SP_EXIT_INPUT. */
int bankreturn_parse(const char *path, const char *xsd_dir, bankreturn_problem_fn problem_fn, void *ctx,
		     struct bankreturn *ret, struct sp_error *err);
void bankreturn_release(struct bankreturn *r);  /* accepts NULL; leaves r empty */

struct bankreturn_reason {
	char code[BANKRETURN_REASON_MAX + 1];
	long n;
	int64_t amount_fen;
};

struct bankreturn_report {
	int64_t batch_id;             /* the new batch, or the one that already holds the file */
	bool already;                 /* the same bytes were read before: nothing done */
	enum bankreturn_format format;
	long entries;                 /* payments named (a group status counts each payment) */
	long settled, rejected, pending;
	int64_t settled_fen, rejected_fen, pending_fen;
	long returns;                 /* settled earlier, rejected now (R10: money back to the balance) */
	long recorded;                /* payment_status rows appended */
	long unchanged;               /* already in that status: nothing appended */
	int n_reasons;
	struct bankreturn_reason reasons[BANKRETURN_REASONS_MAX];  /* rejected, by reason code */
};

/* skillpay reconcile FILE: under the writer lock, in one transaction, records the file as a
 * 'bank_return' batch and appends a payment_status row for each status that changes a payment.
 * An unknown EndToEndId, an amount that differs, a rejected payment settled later (a conflict) or
 * any parse problem refuses the whole file (SP_EXIT_INPUT, every problem to problem_fn, nothing
 * changed). A file whose sha256 is already a batch is a no-op (ret->already). */
int bankreturn_reconcile(struct store *s, const char *path, bankreturn_problem_fn problem_fn, void *ctx,
			 struct bankreturn_report *ret, struct sp_error *err);

#endif
