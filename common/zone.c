/* zone.c — switch the process's time zone for a computation, refusing unknown zones. */
#include "suivi-config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone.h"

/* A name is checked against the zoneinfo files themselves: glibc takes any string as TZ and
 * silently uses UTC for one it cannot find, so the file must exist, be regular, and start with
 * the TZif magic (zone.tab and friends live in the same directory). */
bool zone_valid(const char *tz)
{
	const char *dir, *p;
	char *path;
	char magic[4];
	struct stat st;
	int fd;
	bool ok = false;

	if (tz == NULL || *tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL)
		return false;
	if (strlen(tz) > 255)
		return false;
	for (p = tz; *p != '\0'; p++) {
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && strchr("_+-/", *p) == NULL))
			return false;
	}
	if (strcmp(tz, "UTC") == 0)
		return true;

	dir = getenv("TZDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	path = xasprintf("%s/%s", dir, tz);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	free(path);
	if (fd == -1)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	    memcmp(magic, "TZif", sizeof magic) == 0)
		ok = true;
	close(fd);
	return ok;
}

/* tzset reads the zone file: a switch and its return cost two reads, which is why hot paths
 * (api_today) cache what they compute in a zone. */
int zone_enter(const char *tz, struct zone_saved *saved)
{
	const char *old = getenv("TZ");

	saved->old = NULL;
	if (!zone_valid(tz))
		return -1;
	saved->old = old != NULL ? xstrdup(old) : NULL;
	if (setenv("TZ", tz, 1) != 0)
		abort(); /* only ENOMEM: same policy as the x allocators */
	tzset();
	return 0;
}

void zone_leave(struct zone_saved *saved)
{
	if (saved->old != NULL) {
		if (setenv("TZ", saved->old, 1) != 0)
			abort();
		free(saved->old);
		saved->old = NULL;
	} else {
		unsetenv("TZ");
	}
	tzset();
}

bool zone_localtime(const char *tz, time_t t, struct tm *out)
{
	struct zone_saved saved;
	bool ok;

	if (tz == NULL) {
		tzset(); /* localtime_r need not read TZ again */
		return localtime_r(&t, out) != NULL;
	}
	if (zone_enter(tz, &saved) != 0)
		return false;
	ok = localtime_r(&t, out) != NULL;
	zone_leave(&saved);
	return ok;
}
