/* db.c — placeholder until written. */
