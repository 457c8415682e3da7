/* money.c - yuan text to integer fen and back, and overflow-checked arithmetic. */
#include <assert.h>
#include <stdio.h>
#include "skillpay/limits.h"
#include "skillpay/money.h"

int money_parse_yuan(const char *s, int64_t *ret_fen)
{
	int64_t yuan = 0, fen = 0;
	int digits = 0, decimals = 0;
	const char *p = s;

	assert(s && ret_fen);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > SP_AMOUNT_INT_DIGITS)
			return -1;
		yuan = yuan * 10 + (*p - '0');
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++decimals > 2)
				return -1;
			fen = fen * 10 + (*p - '0');
		}
		if (decimals == 0)
			return -1;
		if (decimals == 1)
			fen *= 10;
	}
	if (*p != '\0')
		return -1;
	/* 12 digits of yuan times 100 stays below 10^14: no overflow possible here. */
	*ret_fen = yuan * 100 + fen;
	assert(*ret_fen >= 0);
	return 0;
}

char *money_format(int64_t amount_fen, char buf[static 32])
{
	/* Work with the magnitude as unsigned so that INT64_MIN formats too. */
	uint64_t mag = amount_fen < 0 ? (uint64_t)0 - (uint64_t)amount_fen : (uint64_t)amount_fen;

	snprintf(buf, 32, "%s%llu.%02llu", amount_fen < 0 ? "-" : "",
		 (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
	return buf;
}

int money_add(int64_t a_fen, int64_t b_fen, int64_t *ret_fen)
{
	int64_t r;

	if (__builtin_add_overflow(a_fen, b_fen, &r))
		return -1;
	*ret_fen = r;
	return 0;
}

int money_sub(int64_t a_fen, int64_t b_fen, int64_t *ret_fen)
{
	int64_t r;

	if (__builtin_sub_overflow(a_fen, b_fen, &r))
		return -1;
	*ret_fen = r;
	return 0;
}

int money_mul(int64_t a_fen, int64_t factor, int64_t *ret_fen)
{
	int64_t r;

	if (__builtin_mul_overflow(a_fen, factor, &r))
		return -1;
	*ret_fen = r;
	return 0;
}

int money_percent_half_up(int64_t a_fen, int64_t pct, int64_t *ret_fen)
{
	int64_t product, r;

	assert(a_fen >= 0 && pct >= 0);
	if (money_mul(a_fen, pct, &product) < 0 || money_add(product, 50, &product) < 0)
		return -1;
	r = product / 100;
	*ret_fen = r;
	return 0;
}
