/* SPDX-License-Identifier: MIT */
#pragma once
/* The sd_notify(3) socket, /run/systemd/notify (notify.c). */
#include "core/forward.h"

#include <stddef.h>

int manager_setup_notify(Manager *m);
/* One datagram of n bytes with its credentials (SCM_CREDENTIALS) and fds (owned from here on):
 * what the socket's reader does with each. */
struct ucred;
void manager_notify_dispatch(Manager *m, const struct ucred *cred, const char *buf, size_t n, int *fds,
                             size_t n_fds);
