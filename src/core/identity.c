/* identity.c - GB 11643-1999 and GB 32100-2015 check characters. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/identity.h"

char identity_person_check_char(const char digits17[static 17])
{
	static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * weights[i];
	return map[sum % 11];
}

int identity_person_check(const char *s, sp_day today_day, char ret_norm[static 19],
			  const char **ret_reason)
{
	char norm[19];
	int y, m, d;

	if (strlen(s) != 18)
		return *ret_reason = "must be 18 characters", -1;
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return *ret_reason = "must be 17 digits and a check character", -1;
	memcpy(norm, s, 19);
	if (norm[17] == 'x')
		norm[17] = 'X';
	if (!(norm[17] == 'X' || (norm[17] >= '0' && norm[17] <= '9')))
		return *ret_reason = "check character must be a digit or X", -1;
	if (identity_person_check_char(norm) != norm[17])
		return *ret_reason = "check character does not match (GB 11643)", -1;
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (!calendar_valid(y, m, d))
		return *ret_reason = "birth date in digits 7-14 is not a real date", -1;
	if (day_from_ymd(y, m, d) > today_day)
		return *ret_reason = "birth date in digits 7-14 is in the future", -1;
	memcpy(ret_norm, norm, 19);
	return 0;
}

sp_day identity_person_birth(const char id[static 18])
{
	int y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
	int m = (id[10] - '0') * 10 + (id[11] - '0');
	int d = (id[12] - '0') * 10 + (id[13] - '0');

	assert(calendar_valid(y, m, d));
	return day_from_ymd(y, m, d);
}

bool identity_person_male(const char id[static 18])
{
	return (id[16] - '0') % 2 == 1;
}

/* GB 32100: the 31 characters 0-9 and A-Z without I, O, Z, S, V, valued 0..30. */
static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int credit_value(char c)
{
	/* By table: every employer id of every row comes here 18 times. */
	static signed char value[256];
	static bool ready;

	if (!ready) {
		memset(value, -1, sizeof(value));
		for (int i = 0; credit_alphabet[i]; i++)
			value[(unsigned char)credit_alphabet[i]] = (signed char)i;
		ready = true;
	}
	return value[(unsigned char)c];
}

char identity_credit_check_char(const char chars17[static 17])
{
	static const int weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		int v = credit_value(chars17[i]);

		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	return credit_alphabet[(31 - sum % 31) % 31];
}

int identity_credit_check(const char *s, const char **ret_reason)
{
	char c;

	if (strlen(s) != 18)
		return *ret_reason = "must be 18 characters", -1;
	for (int i = 0; i < 18; i++)
		if (credit_value(s[i]) < 0)
			return *ret_reason = "has a character outside the GB 32100 alphabet", -1;
	for (int i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return *ret_reason = "characters 3-8 must be the region code digits", -1;
	c = identity_credit_check_char(s);
	if (c != s[17])
		return *ret_reason = "check character does not match (GB 32100)", -1;
	return 0;
}

void identity_mask(const char *s, char buf[static 64])
{
	size_t n = strlen(s);

	if (n <= 10) {
		snprintf(buf, 64, "%s", s);
		return;
	}
	snprintf(buf, 64, "%.6s%.*s%s", s, (int)(n - 10 > 40 ? 40 : n - 10),
		 "****************************************", s + n - 4);
}

static bool id_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == 'x';
}

void identity_mask_text(const char *in, char *out, size_t size)
{
	size_t o = 0;

	assert(size > 0);
	while (*in && o + 1 < size) {
		size_t run = 0, digits = 0;

		while (id_char(in[run])) {
			digits += in[run] >= '0' && in[run] <= '9';
			run++;
		}
		/* EndToEndIds (SP...) name no one: S is outside GB 32100's alphabet. */
		if (run >= 11 && digits >= 8 && !(in[0] == 'S' && in[1] == 'P')) {
			/* An identity, credit code or account number: first 6 and last 4 kept. */
			for (size_t k = 0; k < run && o + 1 < size; k++)
				out[o++] = k < 6 || k >= run - 4 ? in[k] : '*';
			in += run;
		} else if (run > 0) {
			for (size_t k = 0; k < run && o + 1 < size; k++)
				out[o++] = in[k];
			in += run;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}
