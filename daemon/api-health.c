/* api-health.c — placeholder until written. */
