/* config.c - the INI configuration of CLI.md (include/skillpay/config.h), read with inih. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ini.h>
#include "skillpay/config.h"

/* What the inih handler fills: inih goes on after an error, so only the first is kept. */
struct config_parse {
	struct config cfg;
	char message[SP_MESSAGE_MAX];
};

void config_init(struct config *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->cn_encoding = CONFIG_ENCODING_GBK;
	ret->cn_delimiter = ',';
	ret->cn_summary = CONFIG_SUMMARY_BOTH;
}

int config_encoding_parse(const char *s, enum config_encoding *ret)
{
	if (strcasecmp(s, "gbk") == 0)
		*ret = CONFIG_ENCODING_GBK;
	else if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		*ret = CONFIG_ENCODING_UTF8;
	else
		return -1;
	return 0;
}

static int parse_failed(struct config_parse *p, const char *fmt, const char *a, const char *b)
{
	if (!p->message[0])
		snprintf(p->message, sizeof(p->message), fmt, a, b);
	return 0;   /* inih: zero from the handler is an error on this line */
}

/* The delimiter may be quoted ("," or ";"), since inih takes " ;" as a comment. It must not
 * be a character that the fields themselves are made of: digits, letters, '.', '-', space. */
static int parse_delimiter(const char *value, char *ret)
{
	size_t n = strlen(value);
	unsigned char c;

	if (strcasecmp(value, "tab") == 0) {
		*ret = '\t';
		return 0;
	}
	if (n == 3 && value[0] == '"' && value[2] == '"')
		value++, n = 1;
	if (n != 1)
		return -1;
	c = (unsigned char)value[0];
	if (c < 0x21 || c > 0x7e || isalnum(c) || c == '.' || c == '-' || c == '"')
		return -1;
	*ret = (char)c;
	return 0;
}

static int payer_key(struct config_parse *p, const char *name, const char *value)
{
	struct config_payer *payer = &p->cfg.payer;
	char *dst;

	if (strcmp(name, "name") == 0)
		dst = payer->name;
	else if (strcmp(name, "account") == 0)
		dst = payer->account;
	else if (strcmp(name, "bank_code") == 0)
		dst = payer->bank_code;
	else if (strcmp(name, "initiating_party") == 0)
		dst = payer->initiating_party;
	else
		return parse_failed(p, "[payer]: unknown key '%s'%s", name, "");
	if (strlen(value) >= CONFIG_VALUE_MAX)
		return parse_failed(p, "[payer] %s: the value is longer than 255 bytes%s", name, "");
	snprintf(dst, CONFIG_VALUE_MAX, "%s", value);
	return 1;
}

static int cn_batch_key(struct config_parse *p, const char *name, const char *value)
{
	struct config *c = &p->cfg;

	if (strcmp(name, "encoding") == 0) {
		if (config_encoding_parse(value, &c->cn_encoding) < 0)
			return parse_failed(p, "[cn-batch] encoding: '%s' is not gbk or utf-8%s", value, "");
	} else if (strcmp(name, "delimiter") == 0) {
		if (parse_delimiter(value, &c->cn_delimiter) < 0)
			return parse_failed(p, "[cn-batch] delimiter: '%s' is not one punctuation character"
					       " (quote it as \";\", or write tab)%s", value, "");
	} else if (strcmp(name, "summary") == 0) {
		if (strcmp(value, "both") == 0)
			c->cn_summary = CONFIG_SUMMARY_BOTH;
		else if (strcmp(value, "first") == 0)
			c->cn_summary = CONFIG_SUMMARY_FIRST;
		else if (strcmp(value, "last") == 0)
			c->cn_summary = CONFIG_SUMMARY_LAST;
		else
			return parse_failed(p, "[cn-batch] summary: '%s' is not both, first or last%s", value, "");
	} else {
		return parse_failed(p, "[cn-batch]: unknown key '%s'%s", name, "");
	}
	return 1;
}

/* inih calls this once per key, and once with name NULL for a section heading (INI_CALL_HANDLER_ON_NEW_SECTION
 * is off in the Debian build, so a section without keys is never seen: has_payer needs a key). */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct config_parse *p = user;

	if (!name)
		return 1;
	if (strcmp(section, "payer") == 0) {
		p->cfg.has_payer = true;
		return payer_key(p, name, value);
	}
	if (strcmp(section, "cn-batch") == 0)
		return cn_batch_key(p, name, value);
	return 1;   /* other sections belong to other tools or later versions */
}

static int finish(int rc, struct config_parse *p, const char *origin, struct config *ret, struct sp_error *err)
{
	if (rc == -1)
		return sp_error_set(err, SP_EXIT_USAGE, "cannot read configuration '%s': %s", origin,
				    errno ? strerror(errno) : "cannot open");
	if (rc == -2)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory reading configuration '%s'", origin);
	if (rc > 0)
		return sp_error_set(err, SP_EXIT_USAGE, "%s:%d: %s", origin, rc,
				    p->message[0] ? p->message : "not a key = value line or a [section]");
	*ret = p->cfg;
	return 0;
}

int config_load(const char *path, struct config *ret, struct sp_error *err)
{
	struct config_parse p = { 0 };

	assert(path && ret);
	config_init(&p.cfg);
	errno = 0;
	return finish(ini_parse(path, on_key, &p), &p, path, ret, err);
}

int config_load_string(const char *text, const char *origin, struct config *ret, struct sp_error *err)
{
	struct config_parse p = { 0 };

	assert(text && origin && ret);
	config_init(&p.cfg);
	return finish(ini_parse_string(text, on_key, &p), &p, origin, ret, err);
}

int config_require_payer(const struct config *c, const char *origin, struct sp_error *err)
{
	static const char *const keys[] = { "name", "account", "bank_code" };
	const char *values[] = { c->payer.name, c->payer.account, c->payer.bank_code };

	if (!c->has_payer)
		return sp_error_set(err, SP_EXIT_USAGE, "configuration '%s' has no [payer] section:"
				    " 'name', 'account' and 'bank_code' are needed to export", origin);
	for (int i = 0; i < 3; i++)
		if (!values[i][0])
			return sp_error_set(err, SP_EXIT_USAGE, "configuration '%s': [payer] has no '%s'",
					    origin, keys[i]);
	return 0;
}
