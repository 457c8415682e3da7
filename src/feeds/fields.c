/* fields.c - one field's checks (FEEDS.md "Formats" and the feed table's types). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "fields.h"
#include "skillpay/calendar.h"
#include "skillpay/identity.h"
#include "skillpay/money.h"
#include "skillpay/rules.h"

int field_utf8_check(const char *s, size_t len, size_t *ret_chars, const char **ret_reason)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t chars = 0;

	while (p < end) {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			n = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			n = 3;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07;
			n = 4;
		} else {
			return *ret_reason = "is not valid UTF-8", -1;
		}
		if (end - p < n)
			return *ret_reason = "is not valid UTF-8", -1;
		for (int k = 1; k < n; k++) {
			if ((p[k] & 0xC0) != 0x80)
				return *ret_reason = "is not valid UTF-8", -1;
			cp = (cp << 6) | (p[k] & 0x3F);
		}
		/* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return *ret_reason = "is not valid UTF-8", -1;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			return *ret_reason = "has a control character", -1;
		p += n;
		chars++;
	}
	*ret_chars = chars;
	return 0;
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

/* 6-18-01-01: digit groups joined by '-', as in the 职业分类大典 (1-2 digits per group). */
static bool occupation_valid(const char *s, size_t len)
{
	int groups = 0, digits = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '-') {
			if (digits < 1 || digits > 2)
				return false;
			groups++;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			digits++;
		} else {
			return false;
		}
	}
	return groups >= 2 && groups <= 5;
}

static int fail(char *reason, size_t size, const char *raw, const char *what)
{
	snprintf(reason, size, "'%.60s' %s", raw, what);
	return -1;
}

static int check_typed(const struct feed_column *col, const char *raw, size_t len, sp_day today,
		       struct field_value *v, char *reason, size_t size)
{
	const char *why = NULL;
	sp_day d;
	sp_month m;
	enum sp_param param;
	enum sp_kind kind;

	switch (col->field) {
	case FIELD_PERSON_ID:
		if (identity_person_check(raw, today, v->text, &why) < 0)
			return fail(reason, size, raw, why);
		return 0;
	case FIELD_EMPLOYER_ID:
		if (identity_credit_check(raw, &why) < 0)
			return fail(reason, size, raw, why);
		return 0;
	case FIELD_PAYEE_ID:
		if (identity_person_check(raw, today, v->text, &why) == 0 || identity_credit_check(raw, &why) == 0)
			return 0;
		return fail(reason, size, raw, "is neither a valid identity number (GB 11643) nor a credit code (GB 32100)");
	case FIELD_DATE:
		if (day_parse(raw, &d) < 0)
			return fail(reason, size, raw, "is not a date (YYYY-MM-DD, a real calendar day)");
		v->is_int = true;
		v->i = day_to_int(d);
		return 0;
	case FIELD_MONTH:
		if (month_parse(raw, &m) < 0)
			return fail(reason, size, raw, "is not a month (YYYY-MM)");
		v->is_int = true;
		v->i = month_to_int(m);
		return 0;
	case FIELD_AMOUNT:
		if (money_parse_yuan(raw, &v->i) < 0)
			return fail(reason, size, raw, "is not an amount in yuan (up to 12 digits and 2 decimals, not negative)");
		v->is_int = true;
		return 0;
	case FIELD_TEXT:
		return 0;
	case FIELD_ENUM:
		for (const char *const *e = col->values; *e; e++)
			if (strcmp(*e, raw) == 0)
				return 0;
		return fail(reason, size, raw, "is not one of the allowed values");
	case FIELD_LEVEL:
		if (len != 1 || raw[0] - '0' < col->min || raw[0] - '0' > col->max) {
			char what[64];

			snprintf(what, sizeof(what), "is not a level from %d to %d", col->min, col->max);
			return fail(reason, size, raw, what);
		}
		v->is_int = true;
		v->i = raw[0] - '0';
		return 0;
	case FIELD_OCCUPATION:
		if (!occupation_valid(raw, len))
			return fail(reason, size, raw, "is not an occupation code like 6-18-01-01");
		return 0;
	case FIELD_REGION:
		if (len != 6 || !all_digits(raw, len) || raw[0] == '0')
			return fail(reason, size, raw, "is not a 6-digit region code");
		v->is_int = true;
		v->i = (raw[0] - '0') * 100000 + (raw[1] - '0') * 10000 + (raw[2] - '0') * 1000 +
		       (raw[3] - '0') * 100 + (raw[4] - '0') * 10 + (raw[5] - '0');
		return 0;
	case FIELD_ACCOUNT_NO:
		if (len < 8 || len > 32 || !all_digits(raw, len))
			return fail(reason, size, raw, "is not an account number of 8 to 32 digits");
		return 0;
	case FIELD_BANK_CODE:
		if (len != 12 || !all_digits(raw, len))
			return fail(reason, size, raw, "is not a 12-digit CNAPS bank code");
		return 0;
	case FIELD_PARAM_NAME:
		if (strcmp(raw, "policy_start") == 0 || strcmp(raw, "county_region") == 0)
			return fail(reason, size, raw, "is fixed by the policy and cannot be changed");
		if (param_parse(raw, &param) < 0)
			return fail(reason, size, raw, "is not a parameter of RULES.md section 1");
		return 0;
	case FIELD_WHOLE:
		if (len > 15 || !all_digits(raw, len))
			return fail(reason, size, raw, "is not a whole number");
		v->is_int = true;
		v->i = 0;
		for (size_t k = 0; k < len; k++)
			v->i = v->i * 10 + (raw[k] - '0');
		return 0;
	case FIELD_KIND:
		if (kind_parse(raw, &kind) < 0)
			return fail(reason, size, raw, "is not a ledger kind");
		return 0;
	}
	assert(0 && "unknown field type");
	return -1;
}

int field_check(const struct feed_column *col, const char *raw, size_t len, sp_day today,
		struct field_value *ret, char *reason, size_t reason_size)
{
	size_t chars;
	const char *why;

	ret->null = false;
	ret->is_int = false;
	ret->i = 0;
	if (len == 0) {
		if (!col->optional) {
			snprintf(reason, reason_size, "is required");
			return -1;
		}
		ret->null = true;
		ret->text[0] = '\0';
		return 0;
	}
	if (field_utf8_check(raw, len, &chars, &why) < 0) {
		snprintf(reason, reason_size, "%s", why);
		return -1;
	}
	if (chars > SP_TEXT_MAX_CHARS || len > SP_FIELD_MAX_BYTES) {
		snprintf(reason, reason_size, "is longer than %d characters", SP_TEXT_MAX_CHARS);
		return -1;
	}
	memcpy(ret->text, raw, len + 1);
	return check_typed(col, raw, len, today, ret, reason, reason_size);
}
