/* identity.h - GB 11643 resident identity numbers and GB 32100 unified social credit codes. */
#ifndef SKILLPAY_IDENTITY_H
#define SKILLPAY_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include "skillpay/limits.h"

/* The check character of the first 17 digits of a GB 11643 number ('0'-'9' or 'X'). */
char identity_person_check_char(const char digits17[static 17]);

/* Validates an 18-character GB 11643 number: 17 digits, check character (x accepted), birth
 * date a real day not after today_day. On success writes the normalised number (X upper case)
 * to ret_norm (19 bytes) and returns 0; otherwise returns -1 with a reason in *ret_reason. */
int identity_person_check(const char *s, sp_day today_day, char ret_norm[static 19],
			  const char **ret_reason);

/* Birth day and sex of a valid normalised GB 11643 number. */
sp_day identity_person_birth(const char id[static 18]);
bool identity_person_male(const char id[static 18]);

/* The check character of the first 17 characters of a GB 32100 code, or 0 when one of them
 * is not in the code's alphabet. */
char identity_credit_check_char(const char chars17[static 17]);

/* Validates an 18-character GB 32100 code (upper case only). Returns 0 or -1 with a reason. */
int identity_credit_check(const char *s, const char **ret_reason);

/* Masks an identity or account number for messages: first 6 and last 4 characters kept. */
void identity_mask(const char *s, char buf[static 64]);

/* Copies text to out (size bytes, NUL-terminated, truncated), masking every run of 11 or more
 * letters and digits holding at least 8 digits (identity numbers, credit codes, accounts) to
 * its first 6 and last 4 characters. For messages and logs: privacy. */
void identity_mask_text(const char *in, char *out, size_t size);

#endif
