/* config.h - the INI configuration of CLI.md ("Configuration"): the payer of every transfer and
 * how the cn-batch file is written. Only `export` reads it. */
#ifndef SKILLPAY_CONFIG_H
#define SKILLPAY_CONFIG_H

#include <stdbool.h>
#include "skillpay/error.h"

#define CONFIG_VALUE_MAX 256   /* bytes of one value, with the NUL */

enum config_encoding {
	CONFIG_ENCODING_GBK,       /* the default: what the banks' 代发 upload expects */
	CONFIG_ENCODING_UTF8,
};

enum config_summary {
	CONFIG_SUMMARY_BOTH,       /* H first and T last (the default) */
	CONFIG_SUMMARY_FIRST,      /* H only */
	CONFIG_SUMMARY_LAST,       /* T only */
};

struct config_payer {
	char name[CONFIG_VALUE_MAX];              /* debtor name on every transfer */
	char account[CONFIG_VALUE_MAX];           /* debtor account */
	char bank_code[CONFIG_VALUE_MAX];         /* CNAPS code of the debtor's bank */
	char initiating_party[CONFIG_VALUE_MAX];  /* pain.001 InitgPty/Nm; "" means the name */
};

struct config {
	bool has_payer;            /* a [payer] section was read */
	struct config_payer payer;
	enum config_encoding cn_encoding;
	char cn_delimiter;         /* one ASCII character, ',' by default */
	enum config_summary cn_summary;
};

/* The defaults: no payer, GBK, ',', both. */
void config_init(struct config *ret);

/* Reads the INI file at path into *ret (after config_init). Unknown sections are ignored, an
 * unknown key or a bad value in [payer] or [cn-batch] is SP_EXIT_USAGE ("PATH:LINE: ..."); a
 * missing or unreadable file is SP_EXIT_USAGE. On failure *ret is unchanged. */
int config_load(const char *path, struct config *ret, struct sp_error *err);
/* The same for INI text already in memory; origin names it in messages. */
int config_load_string(const char *text, const char *origin, struct config *ret, struct sp_error *err);

/* CLI.md: export refuses to run without [payer] name, account and bank_code (SP_EXIT_USAGE,
 * naming the first missing key). */
int config_require_payer(const struct config *c, const char *origin, struct sp_error *err);

/* "gbk" or "utf-8" (also "utf8", any case). Returns 0 and sets *ret, or -1. */
int config_encoding_parse(const char *s, enum config_encoding *ret);

#endif
