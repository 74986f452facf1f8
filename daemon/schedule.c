/* schedule.c — placeholder until written. */
