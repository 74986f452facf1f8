/* api-tokens.c — placeholder until written. */
