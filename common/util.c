/* util.c — placeholder until written. */
