/* SPDX-License-Identifier: MIT */
/* Job objects: /org/freedesktop/systemd1/job/<id>, org.freedesktop.systemd1.Job (its properties
 * and Cancel). A job object exists while the job does; its end is announced by JobRemoved
 * (dbus.c). */
#include <errno.h>
#include <stdlib.h>
#include "base/util.h"
#include "core/dbus-internal.h"

#define J(o) ((Job *)(o))

static int g_id(BusMessage *m, void *o) { return bus_append_u32(m, J(o)->id); }
static int g_unit(BusMessage *m, void *o) {
        _cleanup_free_ char *p = NULL;
        int r = bus_unit_path(J(o)->unit->id, &p);
        return r < 0 ? r : bus_message_append(m, "(so)", J(o)->unit->id, p);
}
static int g_type(BusMessage *m, void *o) { return bus_append_string(m, job_type_to_string(J(o)->type)); }
static int g_state(BusMessage *m, void *o) { return bus_append_string(m, J(o)->state == JOB_RUNNING ? "running" : "waiting"); }

static const BusProperty job_properties[] = {
        { "Id", "u", g_id },
        { "Unit", "(so)", g_unit },
        { "JobType", "s", g_type },
        { "State", "s", g_state },
        { NULL, NULL, NULL },
};
static int method_cancel(BusCall *c) {
        job_finish(c->object, JOB_CANCELED);
        return 0;
}

static const BusMethod job_methods[] = {
        { "Cancel", "", "", BUS_ACCESS_PRIVILEGED, method_cancel },
        { NULL },
};

static const BusInterface job_interface = { BUS_IFACE_JOB, job_methods, BUS_PROPERTY_TABLES(job_properties), NULL };
const BusInterface *const bus_job_interfaces[] = { BUS_STANDARD_INTERFACES, &job_interface, NULL };

Job *bus_job_from_path(Manager *m, const char *path) {
        const char *p = startswith(path, BUS_JOB_PREFIX "/");
        if (!p || !*p) return NULL;
        char *end;
        errno = 0;
        unsigned long id = strtoul(p, &end, 10);
        if (errno || *end || id == 0 || id > UINT32_MAX) return NULL;
        return manager_get_job(m, (uint32_t)id);
}
