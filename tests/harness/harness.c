/* harness.c — placeholder until written. */
