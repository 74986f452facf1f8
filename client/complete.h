/* complete.h — suivi __complete WORD...: what the bash completion offers for the last of
 * the words typed after "suivi" (contrib/suivi.bash-completion asks on every TAB). All of it
 * comes from the command table — global options, commands, each command's subcommands and
 * options, which value each takes — and, when a token is configured, from the server: owner
 * handles, statuses and priorities (GET /v1/workflow), never a list of the client's own.
 *
 * Prints "words" then the candidates that start with the last word, one a line; or "files"
 * then the extglob pattern of the extensions to offer. Silent and exit 0 whatever fails. */
#ifndef SUIVI_COMPLETE_H
#define SUIVI_COMPLETE_H

int complete_main(int argc, char **argv);

#endif
