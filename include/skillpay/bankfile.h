/* bankfile.h - the bank files of a closed month (CLI.md "Bank files"): ISO 20022
 * pain.001.001.09 and the cn-batch 代发 text file. Nothing here reads the clock, so the same
 * month, payer and options always give the same bytes. */
#ifndef SKILLPAY_BANKFILE_H
#define SKILLPAY_BANKFILE_H

#include <stddef.h>
#include <stdint.h>
#include "skillpay/config.h"
#include "skillpay/error.h"
#include "skillpay/store.h"

#define BANKFILE_NAMESPACE "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
#define BANKFILE_NAME_MAX 64   /* "skillpay-YYYY-MM.cn-batch.txt.sha256" and the NUL fit */

enum bankfile_format {
	BANKFILE_PAIN001,
	BANKFILE_CN_BATCH,
};

/* One row of table payments; strings are UTF-8. */
struct bankfile_payment {
	const char *payee_id;
	const char *end_to_end_id;   /* SP<YYYYMM><8 digits>, at most SP_END_TO_END_MAX */
	const char *funding;         /* TALENT */
	int64_t amount_fen;          /* > 0 */
	const char *account_no;
	const char *account_name;
	const char *bank_code;       /* CNAPS */
};

/* The payments of one closed month, by end_to_end_id. bankfile_load allocates one (free it
 * with bankfile_month_free); tests may fill one by hand and never free it. */
struct bankfile_month {
	int32_t month;               /* yyyymm */
	char closed_at[24];          /* closes.closed_at, UTC "YYYY-MM-DDTHH:MM:SSZ" */
	struct bankfile_payment *payments;
	size_t count;
};

struct bankfile_cn_options {
	enum config_encoding encoding;
	char delimiter;
	enum config_summary summary;
};

/* A rendered file. Free data with bankfile_buffer_release (accepts a zeroed buffer). */
struct bankfile_buffer {
	char *data;
	size_t len;
	size_t cap;
};

/* Reads the payments of month (yyyymm). A month that is not closed is SP_EXIT_STATE. A closed
 * month without payments gives count 0. On failure *ret is unchanged. */
int bankfile_load(struct store *s, int32_t month, struct bankfile_month **ret, struct sp_error *err);
void bankfile_month_free(struct bankfile_month *m);   /* accepts NULL */

/* Count and sum of the payments of one funding source (NULL: all). The sum is checked for
 * overflow (SP_EXIT_INTERNAL). */
int bankfile_totals(const struct bankfile_month *m, const char *funding, size_t *ret_count,
		    int64_t *ret_total_fen, struct sp_error *err);

/* Renders the pain.001.001.09 XML (UTF-8) into *ret: one PmtInf per funding source, in
 * funding order. A field the schema cannot hold (a name over 140 characters, an account over
 * 34, a control character, invalid UTF-8) is SP_EXIT_INPUT naming the payee; a bad payer is
 * SP_EXIT_USAGE. On failure *ret is left empty. */
int bankfile_pain001(const struct bankfile_month *m, const struct config_payer *payer,
		     struct bankfile_buffer *ret, struct sp_error *err);

/* Renders the cn-batch file into *ret. A field whose bytes, in the output encoding, hold the
 * delimiter or a line end, or a name GBK cannot encode, is SP_EXIT_INPUT naming the payee.
 * On failure *ret is left empty. */
int bankfile_cn_batch(const struct bankfile_month *m, const struct config_payer *payer,
		      const struct bankfile_cn_options *o, struct bankfile_buffer *ret, struct sp_error *err);

void bankfile_buffer_release(struct bankfile_buffer *b);

/* "skillpay-YYYY-MM.pain001.xml" or "skillpay-YYYY-MM.cn-batch.txt". */
void bankfile_name(int32_t month, enum bankfile_format format, char ret[static BANKFILE_NAME_MAX]);

/* Writes b as DIR/NAME and its checksum as DIR/NAME.sha256 ("HEX  NAME\n"): each to a
 * temporary name in DIR (mode 0600), fsync'd, then renamed over the old one, then DIR is
 * fsync'd. A failure leaves no temporary file and the old files as they were. ret_hex gets
 * the SHA-256 of b. */
int bankfile_write(const char *dir, const char *name, const struct bankfile_buffer *b,
		   char ret_hex[static 65], struct sp_error *err);

#endif
