/* money.h - integer fen. No float or double anywhere on a money path. */
#ifndef SKILLPAY_MONEY_H
#define SKILLPAY_MONEY_H

#include <stdint.h>

/* Parses a yuan amount as FEEDS.md writes it: ^[0-9]{1,12}(\.[0-9]{1,2})?$.
 * Returns 0 and sets *ret_fen, or -1 (empty, sign, three decimals, other characters). */
int money_parse_yuan(const char *s, int64_t *ret_fen);

/* Writes fen as yuan with exactly two decimals ("500.00", "-200.00", "0.05").
 * buf must hold 32 bytes; returns buf. */
char *money_format(int64_t amount_fen, char buf[static 32]);

/* Overflow-checked arithmetic: return 0 and set *ret, or -1 leaving *ret unchanged. */
int money_add(int64_t a_fen, int64_t b_fen, int64_t *ret_fen);
int money_sub(int64_t a_fen, int64_t b_fen, int64_t *ret_fen);
int money_mul(int64_t a_fen, int64_t factor, int64_t *ret_fen);

/* round_half_up(a * pct / 100) for a >= 0, pct >= 0 (R13). Returns -1 on overflow. */
int money_percent_half_up(int64_t a_fen, int64_t pct, int64_t *ret_fen);

#endif
