/* test-remind-sim.c — the reminder decision (digest_decide) over simulated calendars: a year of
 * daily runs with random deadline changes, reassignments, closings and reopenings, and daemon
 * outages of 1 to 5 days, the ledger kept as remind.c and sql/api/60-notify.sql keep it.
 *
 * Checked every day, for every item: every item is reminded once for each horizon it enters
 * (late entries included: a deadline set inside a horizon, a horizon crossed while the daemon
 * was down), never twice for one horizon and deadline; while overdue, an overdue reminder at
 * least every remind_overdue_every days of running (so the first run after an item is recorded
 * overdue includes it); never twice on one day; never while closed. The figures of the run
 * (reminders per item per reason, worst delays) go to stderr. */
#include "suivi-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/digest.h"
#include "suites.h"

#define SIM_DAYS 365
#define SIM_ITEMS 300
#define SIM_OWNERS 6
#define SIM_MAX_ENTRIES 40000

enum reason { R_HORIZON, R_OVERDUE };

struct entry {
	int item, owner, day, due;
	enum reason reason;
	int horizon;
};

struct item {
	bool open;
	int owner;
	int due; /* day number of the deadline */
	/* since when (owner, due) hold, for the delay figures; -1: not in the state */
	int horizon_entered[2]; /* per horizon index: first day within it, this deadline */
	int overdue_since;      /* first day overdue for this owner and deadline */
};

static const int horizons[] = {14, 3};
static struct entry entries[SIM_MAX_ENTRIES];
static int n_entries;
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

/* What the ledger says of (item, owner) on day d: as suivi_remind_candidates computes it. */
static struct digest_state ledger_state(int it, const struct item *x, int d)
{
	struct digest_state st = {x->due - d, -1, -1};
	int last_overdue = -1;

	for (int i = 0; i < n_entries; i++) {
		const struct entry *e = &entries[i];
		if (e->item != it || e->owner != x->owner)
			continue;
		if (e->reason == R_HORIZON && e->due == x->due &&
		    (st.horizon_sent < 0 || e->horizon < st.horizon_sent))
			st.horizon_sent = e->horizon;
		if (e->reason == R_OVERDUE && e->day > last_overdue)
			last_overdue = e->day;
	}
	if (last_overdue >= 0)
		st.overdue_sent_ago = d - last_overdue;
	return st;
}

/* Per-item indexes of the ledger would be faster; 300 items × 365 days stays well under a
 * second as it is. */
static void run_day(struct item *items, int d, const struct digest_policy *p, int *worst_horizon,
		    int *worst_overdue)
{
	for (int it = 0; it < SIM_ITEMS; it++) {
		struct item *x = &items[it];
		if (!x->open)
			continue;
		struct digest_state st = ledger_state(it, x, d);
		int h = -1;
		enum digest_reason why = digest_decide(&st, p, &h);
		if (why == DIGEST_NONE)
			continue;
		ck_assert_int_lt(n_entries, SIM_MAX_ENTRIES);
		entries[n_entries++] = (struct entry){
		    it, x->owner, d, x->due, why == DIGEST_OVERDUE ? R_OVERDUE : R_HORIZON, h};
		if (why == DIGEST_OVERDUE && x->overdue_since >= 0) {
			/* From the day the rule first allowed it: overdue, and `every` days after
			 * the previous overdue reminder (a reopened item, a deadline moved back).
			 */
			int allowed = x->overdue_since;
			if (st.overdue_sent_ago >= 0 &&
			    d - st.overdue_sent_ago + p->overdue_every > allowed)
				allowed = d - st.overdue_sent_ago + p->overdue_every;
			if (d - allowed > *worst_overdue)
				*worst_overdue = d - allowed;
			x->overdue_since = -2; /* the delay counts to the first reminder */
		}
		/* The delay counts for the horizon reminded; a larger one entered meanwhile
		 * (both crossed during an outage) is superseded by it. */
		for (int k = 0; why == DIGEST_DUE_SOON && k < 2; k++) {
			if (horizons[k] == h && x->horizon_entered[k] >= 0 &&
			    d - x->horizon_entered[k] > *worst_horizon)
				*worst_horizon = d - x->horizon_entered[k];
			if (horizons[k] >= h)
				x->horizon_entered[k] = -2; /* reminded */
		}
		/* A second run on the same day mentions nothing again. */
		struct digest_state again = ledger_state(it, x, d);
		ck_assert_int_eq(digest_decide(&again, p, &h), DIGEST_NONE);
	}
}

/* The invariants on day d, after the day's run (up) or without one (down). */
static void check_day(const struct item *items, int d, bool up, int every)
{
	for (int it = 0; it < SIM_ITEMS; it++) {
		const struct item *x = &items[it];
		int days = x->due - d;
		if (!up || !x->open)
			continue;
		/* Within a horizon: reminded at that horizon or a smaller one, this deadline and
		 * owner, at most once per horizon. */
		for (int k = 0; k < 2; k++) {
			if (days < 0 || days > horizons[k])
				continue;
			int covering = 0, same = 0;
			for (int i = 0; i < n_entries; i++) {
				const struct entry *e = &entries[i];
				if (e->item == it && e->owner == x->owner &&
				    e->reason == R_HORIZON && e->due == x->due) {
					covering += e->horizon <= horizons[k];
					same += e->horizon == horizons[k];
				}
			}
			ck_assert_msg(covering >= 1,
				      "day %d item %d: %d days before its deadline, "
				      "no %d-day reminder",
				      d, it, days, horizons[k]);
			ck_assert_msg(same <= 1, "day %d item %d: %d-day reminder %d times", d, it,
				      horizons[k], same);
		}
		/* Overdue: an overdue reminder to this owner in the last `every` days. */
		if (days < 0) {
			bool recent = false;
			for (int i = 0; i < n_entries && !recent; i++) {
				const struct entry *e = &entries[i];
				recent = e->item == it && e->owner == x->owner &&
					 e->reason == R_OVERDUE && e->day > d - every &&
					 e->day <= d;
			}
			ck_assert_msg(recent,
				      "day %d item %d: overdue %d days, no reminder in %d days", d,
				      it, -days, every);
		}
	}
	/* Never twice a day for one item and owner; never for a closed item. */
	for (int i = 0; i < n_entries; i++) {
		if (entries[i].day != d)
			continue;
		ck_assert(items[entries[i].item].open);
		for (int j = i + 1; j < n_entries; j++)
			ck_assert(!(entries[j].day == d && entries[j].item == entries[i].item &&
				    entries[j].owner == entries[i].owner));
	}
}

/* The state changes of one day: a new deadline, a new owner, closed, reopened. */
static void change_day(struct item *items, int d)
{
	for (int it = 0; it < SIM_ITEMS; it++) {
		struct item *x = &items[it];
		uint32_t r = rnd(1000);
		bool fresh = false, was_overdue = x->due < d;
		if (r < 8) { /* a new deadline, anywhere from last month to three months on */
			x->due = d - 30 + (int)rnd(120);
			fresh = true;
			/* Still overdue, same owner: not a new "becoming overdue". */
			if (was_overdue && x->due < d) {
				x->horizon_entered[0] = x->horizon_entered[1] = -1;
				fresh = false;
			}
		} else if (r < 12) {
			x->owner = (int)rnd(SIM_OWNERS);
			fresh = true;
		} else if (r < 15 && x->open) {
			x->open = false;
		} else if (r < 17 && !x->open) {
			x->open = true;
			fresh = true;
		}
		if (fresh) {
			x->horizon_entered[0] = x->horizon_entered[1] = -1;
			x->overdue_since = -1;
		}
		/* Entering a state is a fact of the calendar, up or down. */
		for (int k = 0; k < 2 && x->open; k++)
			if (x->horizon_entered[k] == -1 && x->due - d >= 0 &&
			    x->due - d <= horizons[k])
				x->horizon_entered[k] = d;
		if (x->open && x->overdue_since == -1 && x->due < d)
			x->overdue_since = d;
	}
}

START_TEST(test_simulated_year)
{
	static struct item items[SIM_ITEMS];
	const int every = 7;
	struct digest_policy p = {horizons, 2, every};
	int worst_horizon = 0, worst_overdue = 0, down_days = 0, outages = 0, down_until = -1;

	rng_state = 0x5eed0000ULL + (uint64_t)_i;
	n_entries = 0;
	for (int it = 0; it < SIM_ITEMS; it++) {
		/* Backfilled items too: deadlines from two years ago to four months on. */
		items[it] = (struct item){.open = true,
					  .owner = (int)rnd(SIM_OWNERS),
					  .due = -730 + (int)rnd(850),
					  .horizon_entered = {-1, -1},
					  .overdue_since = -1};
	}
	for (int d = 0; d < SIM_DAYS; d++) {
		change_day(items, d);
		/* An outage of 1 to 5 days starts, after at least one day up. */
		if (d > down_until + 1 && rnd(100) < 3) {
			down_until = d + (int)rnd(5);
			outages++;
		}
		bool up = d > down_until;
		if (up)
			run_day(items, d, &p, &worst_horizon, &worst_overdue);
		else
			down_days++;
		check_day(items, d, up, every);
	}
	int per_reason[2] = {0, 0};
	for (int i = 0; i < n_entries; i++)
		per_reason[entries[i].reason]++;
	fprintf(stderr,
		"# remind-sim seed %d: %d items, %d days, %d outages (%d days down); reminders "
		"per item: %.2f horizon, %.2f overdue; worst delay from entering a horizon to "
		"its reminder %d days, from becoming overdue to the first overdue reminder %d "
		"days\n",
		_i, SIM_ITEMS, SIM_DAYS, outages, down_days,
		(double)per_reason[R_HORIZON] / SIM_ITEMS,
		(double)per_reason[R_OVERDUE] / SIM_ITEMS, worst_horizon, worst_overdue);
	ck_assert_int_gt(outages, 0);
	ck_assert_int_gt(per_reason[R_HORIZON], 0);
	ck_assert_int_gt(per_reason[R_OVERDUE], 0);
	/* The delays come from outages only (at most 5 days down in a row). */
	ck_assert_int_le(worst_horizon, 5);
	ck_assert_int_le(worst_overdue, 5);
}
END_TEST

Suite *make_remind_sim_suite(void)
{
	Suite *s = suite_create("remind_sim");
	TCase *tc = tcase_create("year");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_simulated_year, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
