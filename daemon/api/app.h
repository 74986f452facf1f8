/* app.h — the daemon's long-lived services that API handlers reach through api_app(). */
#ifndef SUIVI_APP_H
#define SUIVI_APP_H

struct outbox;

struct app {
	struct outbox *outbox; /* kicked after POST /v1/reminders/run writes notifications */
};

#endif
