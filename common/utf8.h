/* utf8.h — UTF-8 text, shared by suivid and suivi: validation, decoding one code point,
 * counting code points, display width, and cutting text between whole characters.
 *
 * Well-formed means Unicode 15, table 3-7: no overlong form, no UTF-16 surrogate, nothing
 * above U+10FFFF, no truncated sequence. utf8_valid and utf8_decode agree on every input.
 * Nothing here depends on the locale. */
#ifndef SUIVI_UTF8_H
#define SUIVI_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an invalid sequence decodes to. */
#define UTF8_REPLACEMENT 0xFFFD

/* True when the len bytes at s are well-formed UTF-8 (a NUL byte is a character here). */
bool utf8_valid(const char *s, size_t len);
/* Decode the character at s, reading at most len bytes: its length in bytes (1 to 4) with the
 * code point in *cp; 0 with *cp = U+FFFD when s does not start with a well-formed sequence or
 * len is 0. A caller that skips invalid text advances one byte and resynchronises. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* The character at non-empty NUL-terminated s: its length, or 1 with *cp = U+FFFD when s does
 * not start with a well-formed sequence, so that the next call resynchronises. */
size_t utf8_next(const char *s, uint32_t *cp);
/* Write code point cp (at most U+10FFFF, not a surrogate) into out; returns its length. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Code points of a valid NUL-terminated string, as PostgreSQL's char_length counts them. */
size_t utf8_count(const char *s);
/* Code points in the len bytes at s (valid UTF-8, cut between characters). */
size_t utf8_count_n(const char *s, size_t len);
/* True for the C0 and C1 control characters and DEL. */
bool utf8_is_control(uint32_t cp);
/* Terminal columns of a printable code point, from a built-in table that needs no locale:
 * 0 for combining marks and format characters, 2 for East Asian wide and fullwidth
 * characters and the emoji blocks, 1 otherwise. */
int utf8_width(uint32_t cp);
/* Bytes of the longest prefix of NUL-terminated s, at most max bytes, that ends between two
 * characters (an invalid byte counts as a character of its own). */
size_t utf8_cut(const char *s, size_t max);
/* Make NUL-terminated s valid UTF-8 in place: every byte that does not start a well-formed
 * sequence becomes '?'. For text from elsewhere (a library's error message quoting input)
 * that goes into JSON. */
void utf8_scrub(char *s);

#endif
