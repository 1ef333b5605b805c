/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared by the object layer of PID 1's D-Bus API (dbus*.c). */
#include <stdbool.h>
#include "bus/bus-conn.h"
#include "bus/bus-message.h"
#include "core/dbus.h"
#include "core/job.h"
#include "core/kill.h"
#include "core/manager.h"
#include "core/munit.h"
#include "core/path.h"
#include "core/service.h"
#include "core/socket.h"
#include "core/timer.h"

#define BUS_MANAGER_PATH "/org/freedesktop/systemd1"
#define BUS_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define BUS_JOB_PREFIX "/org/freedesktop/systemd1/job"
#define BUS_IFACE_MANAGER "org.freedesktop.systemd1.Manager"
#define BUS_IFACE_UNIT "org.freedesktop.systemd1.Unit"
#define BUS_IFACE_JOB "org.freedesktop.systemd1.Job"
#define BUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"

/* systemd's error names (sd-bus/bus-common-errors.h) and the standard ones we answer. */
#define BUS_ERROR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define BUS_ERROR_NO_UNIT_FOR_PID "org.freedesktop.systemd1.NoUnitForPID"
#define BUS_ERROR_LOAD_FAILED "org.freedesktop.systemd1.LoadFailed"
#define BUS_ERROR_UNIT_MASKED "org.freedesktop.systemd1.UnitMasked"
#define BUS_ERROR_NO_SUCH_JOB "org.freedesktop.systemd1.NoSuchJob"
#define BUS_ERROR_JOB_TYPE_NOT_APPLICABLE "org.freedesktop.systemd1.JobTypeNotApplicable"
#define BUS_ERROR_ONLY_BY_DEPENDENCY "org.freedesktop.systemd1.OnlyByDependency"
#define BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE "org.freedesktop.systemd1.TransactionIsDestructive"
#define BUS_ERROR_TRANSACTION_JOBS_CONFLICTING "org.freedesktop.systemd1.TransactionJobsConflicting"
#define BUS_ERROR_TRANSACTION_ORDER_IS_CYCLIC "org.freedesktop.systemd1.TransactionOrderIsCyclic"
#define BUS_ERROR_SHUTTING_DOWN "org.freedesktop.systemd1.ShuttingDown"
#define BUS_ERROR_NO_ISOLATION "org.freedesktop.systemd1.NoIsolation"
#define BUS_ERROR_UNIT_INACTIVE "org.freedesktop.systemd1.UnitInactive"
#define BUS_ERROR_NOT_SUPPORTED "org.freedesktop.DBus.Error.NotSupported"
#define BUS_ERROR_ACCESS_DENIED "org.freedesktop.DBus.Error.AccessDenied"
#define BUS_ERROR_INVALID_ARGS "org.freedesktop.DBus.Error.InvalidArgs"
#define BUS_ERROR_UNKNOWN_METHOD "org.freedesktop.DBus.Error.UnknownMethod"
#define BUS_ERROR_UNKNOWN_OBJECT "org.freedesktop.DBus.Error.UnknownObject"
#define BUS_ERROR_UNKNOWN_INTERFACE "org.freedesktop.DBus.Error.UnknownInterface"
#define BUS_ERROR_UNKNOWN_PROPERTY "org.freedesktop.DBus.Error.UnknownProperty"
#define BUS_ERROR_PROPERTY_READ_ONLY "org.freedesktop.DBus.Error.PropertyReadOnly"
#define BUS_ERROR_NO_MEMORY "org.freedesktop.DBus.Error.NoMemory"
#define BUS_ERROR_FAILED "org.freedesktop.DBus.Error.Failed"
#define BUS_ERROR_FILE_NOT_FOUND "org.freedesktop.DBus.Error.FileNotFound"
#define BUS_ERROR_FILE_EXISTS "org.freedesktop.DBus.Error.FileExists"

/* An error to answer with: set by a handler, which then returns a negative errno. A handler that
 * returns <0 without setting one gets a generic error derived from the errno. */
typedef struct BusError {
        const char *name;
        char message[512];
} BusError;
int bus_error_setf(BusError *e, const char *name, const char *fmt, ...) _printf_(3, 4);
/* The standard error name for a negative errno (sd_bus_error_set_errno()'s mapping, in part). */
const char *bus_errno_to_name(int err);

/* ---- properties ---- */
/* Appends the property's value (of the table's signature, not wrapped in a variant). */
typedef int (*bus_property_get_fn)(BusMessage *reply, void *object);
typedef struct BusProperty {
        const char *name;
        const char *signature;
        bus_property_get_fn get;
} BusProperty;
typedef struct BusInterface {
        const char *name;
        const BusProperty *properties;   /* terminated by a NULL name */
} BusInterface;

/* Properties.Get/GetAll over a list of interfaces implemented by one object. */
int bus_properties_get(BusMessage *reply, const BusInterface *const *ifaces, void *object,
                       const char *interface, const char *property, BusError *e);
int bus_properties_get_all(BusMessage *reply, const BusInterface *const *ifaces, void *object,
                           const char *interface, BusError *e);

/* Value helpers for getters */
int bus_append_string(BusMessage *m, const char *s);   /* NULL → "" */
int bus_append_strv(BusMessage *m, char *const *l);
int bus_append_bool(BusMessage *m, bool b);
int bus_append_u32(BusMessage *m, uint32_t v);
int bus_append_i32(BusMessage *m, int32_t v);
int bus_append_u64(BusMessage *m, uint64_t v);

/* ---- objects ---- */
/* The D-Bus path of a unit: BUS_UNIT_PREFIX/<escaped id>. */
int bus_unit_path(const char *id, char **ret);
int bus_job_path(uint32_t id, char **ret);

/* dbus-unit.c: every interface a unit object implements (Unit + its type's). */
const BusInterface *const *bus_unit_interfaces(const MUnit *u);
/* Resolve a unit object path: loads the unit if needed (any valid name resolves, unknown ones to
 * LoadState=not-found). 0 and *ret, or -ENOENT (not a unit path / invalid name). */
int bus_unit_from_path(Manager *m, const char *path, MUnit **ret);
/* Unit.Start/Stop/... on the unit object itself. 1 handled, 0 not a unit method. */
int bus_unit_method(Manager *m, MUnit *u, BusConn *c, BusMessage *call, BusMessage *reply, bool privileged, BusError *e);
/* Shared between Manager.StartUnit and Unit.Start: enqueue, reply with the job path. */
int bus_unit_queue_job(Manager *m, MUnit *u, JobType type, const char *mode, BusMessage *reply, BusError *e);
int bus_unit_kill(MUnit *u, const char *whom, int32_t signo, BusError *e);
int bus_unit_processes(MUnit *u, BusMessage *reply);
int bus_unit_load_error(const MUnit *u, BusError *e);   /* LoadFailed/NoSuchUnit/UnitMasked, or 0 */
const char *bus_unit_file_state(const MUnit *u);
const char *bus_unit_sub_state(const MUnit *u);

/* dbus-job.c */
extern const BusInterface bus_job_interface;
Job *bus_job_from_path(Manager *m, const char *path);

/* dbus-manager.c */
extern const BusInterface bus_manager_interface;
/* 1 handled (reply or error filled), 0 unknown method. */
int bus_manager_method(Manager *m, BusConn *c, BusMessage *call, BusMessage *reply, bool privileged, BusError *e);
const char *manager_system_state(const Manager *m);

/* dbus-unit-file.c: GetUnitFileState, ListUnitFiles, Enable/Disable/... 1 handled, 0 unknown. */
int bus_unit_file_method(Manager *m, BusMessage *call, BusMessage *reply, BusError *e);

/* dbus.c: is the method allowed for an unprivileged peer? */
bool bus_method_is_read_only(const char *interface, const char *member);
