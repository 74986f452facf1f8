/* sha256.c — placeholder until written. */
