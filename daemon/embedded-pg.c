/* embedded-pg.c — placeholder until written. */
