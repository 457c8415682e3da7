/* facts.h - reading the fact tables into the rules engine's structs, as known at a batch.
 * The facts as known at batch B are the rows with batch_in <= B and (batch_out IS NULL or
 * batch_out > B) (migrations/0001_facts.sql). */
#ifndef SKILLPAY_FACTS_H
#define SKILLPAY_FACTS_H

#include <stdint.h>
#include "skillpay/rules.h"
#include "skillpay/store.h"

/* What every payee's evaluation shares: parameters, employers, chief craftsmen. */
struct facts_world {
	int64_t as_of;
	struct rules_params params;
	struct rules_employers employers;
	struct rules_chief *chiefs;
	int n_chiefs;
};

/* Loads the world as known at batch as_of. *ret must be zeroed; release it with
 * facts_world_release (also after a failure). Returns 0 or -1 with err set. */
int facts_world_load(struct store *s, int64_t as_of, struct facts_world *ret, struct sp_error *err);
void facts_world_release(struct facts_world *w);

/* Reads one person's facts with prepared statements; the person struct's arrays are owned by
 * the reader and reused from person to person. */
struct facts_reader {
	struct store *s;
	const struct facts_world *world;
	sqlite3_stmt *st[7];
	struct rules_person person;
	int cap[6];
};

int facts_reader_open(struct store *s, const struct facts_world *world, struct facts_reader *ret,
		      struct sp_error *err);
/* Fills r->person with the facts of person_id as known at world->as_of. Returns 0 or -1. */
int facts_read_person(struct facts_reader *r, const char *person_id, struct sp_error *err);
void facts_reader_close(struct facts_reader *r);

#endif
