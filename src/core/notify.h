/* SPDX-License-Identifier: MIT */
#pragma once
/* The sd_notify(3) socket, /run/systemd/notify (notify.c). */
#include "core/forward.h"

int manager_setup_notify(Manager *m);
