/* migrate.c — placeholder until written. */
