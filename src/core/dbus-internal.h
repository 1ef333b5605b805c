/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared by the object layer of PID 1's D-Bus API (dbus*.c). */
#include <stdbool.h>
#include "bus/bus-conn.h"
#include "bus/bus-message.h"
#include "core/dbus-api.h"
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
#define BUS_LOG_CONTROL_PATH "/org/freedesktop/LogControl1"
#define BUS_IFACE_LOG_CONTROL "org.freedesktop.LogControl1"
#define BUS_IFACE_UNIT "org.freedesktop.systemd1.Unit"
#define BUS_IFACE_JOB "org.freedesktop.systemd1.Job"
#define BUS_IFACE_PROPERTIES "org.freedesktop.DBus.Properties"
#define BUS_IFACE_PEER "org.freedesktop.DBus.Peer"
#define BUS_IFACE_INTROSPECTABLE "org.freedesktop.DBus.Introspectable"

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
#define BUS_ERROR_UNIT_BUSY "org.freedesktop.systemd1.UnitBusy"
#define BUS_ERROR_NOTHING_TO_CLEAN "org.freedesktop.systemd1.NothingToClean"
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

/* dbus.c: one method call through the API table, for a caller that is privileged or not (the access
 * decision); the answer (a return or an error; NULL when the call wants none) in *ret_reply. Used
 * for the private and read-only sockets and for the system bus. 0, or -ENOMEM. */
int bus_dispatch_method(Manager *m, BusConn *conn, bool privileged, BusMessage *call, BusMessage **ret_reply);

/* ---- objects ---- */
/* The D-Bus path of a unit: BUS_UNIT_PREFIX/<escaped id>. */
int bus_unit_path(const char *id, char **ret);
int bus_job_path(uint32_t id, char **ret);

/* dbus-api.c: for Properties.Set, before access is checked: read the interface and property
 * names, find the entry (UnknownProperty), refuse a read-only one (PropertyReadOnly), check the
 * variant's type (InvalidArgs), leave c->message inside the variant and set c->property. */
int bus_resolve_set_property(BusCall *c);

/* dbus-unit.c: every interface a unit object implements (the standard ones, Unit, its type's),
 * NULL-terminated. The one place that maps a unit type to its interfaces. */
const BusInterface *const *bus_unit_interfaces(const MUnit *u);
/* Resolve a unit object path: loads the unit if needed (any valid name resolves, unknown ones to
 * LoadState=not-found). 0 and *ret, or -ENOENT (not a unit path / invalid name). */
int bus_unit_from_path(Manager *m, const char *path, MUnit **ret);
/* Shared between Manager.StartUnit and Unit.Start: enqueue, reply with the job path. */
int bus_unit_queue_job(Manager *m, MUnit *u, JobType type, const char *mode, BusMessage *reply, BusError *e);
/* The same, answered as 252's EnqueueUnitJob: the anchor job (uosos: id, path, unit, unit path,
 * type) and every other job the transaction installed, a(uosos) (systemctl --show-transaction). */
int bus_unit_enqueue_job_with_transaction(Manager *m, MUnit *u, JobType type, const char *mode, BusMessage *reply, BusError *e);
int bus_unit_kill(MUnit *u, const char *whom, int32_t signo, BusError *e);
int bus_unit_processes(MUnit *u, BusMessage *reply);
/* Shared between Manager.CleanUnit and Unit.Clean: the "as" of resource types read from args. */
int bus_unit_clean(MUnit *u, BusMessage *args, BusError *e);
/* Manager.FreezeUnit/ThawUnit and Unit.Freeze/Thaw: refused, there is no freezer (README). */
int bus_unit_freezer(MUnit *u, bool freeze, BusError *e);
int bus_unit_load_error(const MUnit *u, BusError *e);   /* LoadFailed/NoSuchUnit/UnitMasked, or 0 */
const char *bus_unit_file_state(const MUnit *u);
const char *bus_unit_sub_state(const MUnit *u);

/* The property tables of the unit interfaces (dbus-exec.c, dbus-cgroup.c, dbus-service.c, ...) */
extern const BusProperty bus_exec_properties[], bus_kill_properties[], bus_cgroup_properties[];
extern const BusProperty bus_service_properties[], bus_socket_properties[], bus_timer_properties[], bus_path_properties[];
/* Exec*= lists as a(sasbttttuii) or, ex, a(sasasttttuii); the main command of a service carries its run. */
int bus_append_exec_commands(BusMessage *m, const MUnit *u, const ExecCommand *c, bool ex);
/* CPU or NUMA node sets ("0-3 5" entries, "numa"/"all" skipped) as systemd's "ay" bitmask. */
int bus_append_cpu_set(BusMessage *m, char *const *l);
/* "(bas)": whether it is an allow list, its items sorted */
int bus_append_allow_deny(BusMessage *m, const AllowDenyList *l);
/* ControlPID of a service or socket (their control process) */
int bus_service_control_pid(BusMessage *m, void *o);
/* ControlGroup=: the unit's cgroup, or while it has processes a virtual /system.slice/UNIT; "" else. */
#define BUS_CONTROL_GROUP_MAX 4096
const char *bus_unit_control_group(const MUnit *u, char buf[static BUS_CONTROL_GROUP_MAX]);

/* dbus-transient.c: Manager.StartTransientUnit. */
int bus_start_transient_unit(BusCall *c);
/* Manager.SetUnitProperties, Unit.SetProperties (set-property) */
int bus_set_unit_properties(BusCall *c);
int bus_unit_set_properties(BusCall *c);
/* dbus.c: the client on conn holds u (AddRef) until it disconnects: u is not collected till then. */
void bus_track_unit(Manager *m, BusConn *conn, const char *sender, MUnit *u);
/* PropertiesChanged (ActiveState, SubState) of u's object, for one connection. */
int bus_unit_changed_signal(MUnit *u, BusMessage **ret);

/* dbus-job.c: the interfaces of a job object. */
extern const BusInterface *const bus_job_interfaces[];
Job *bus_job_from_path(Manager *m, const char *path);

/* dbus-manager.c: the interfaces of /org/freedesktop/systemd1. */
extern const BusInterface *const bus_manager_interfaces[];
const char *manager_system_state(const Manager *m);

/* dbus-log-control.c: the interfaces of /org/freedesktop/LogControl1, and its getters and setters of
 * LogLevel/LogTarget, which the Manager's properties of those names share. */
extern const BusInterface *const bus_log_control_interfaces[];
int bus_log_control_get_level(BusMessage *m, void *o);
int bus_log_control_get_target(BusMessage *m, void *o);
int bus_log_control_set_level(BusCall *c);
int bus_log_control_set_target(BusCall *c);

/* dbus-unit-file.c: the unit-file methods of the Manager interface (GetUnitFileState, ListUnitFiles,
 * Enable/Disable/...). bus_unit_file_change() serves every method that changes links: its entry's
 * data is the BusInstallVerb, its argument and result signatures say what it reads and answers. */
typedef enum BusInstallVerb {
        BUS_INSTALL_ENABLE, BUS_INSTALL_REENABLE, BUS_INSTALL_DISABLE, BUS_INSTALL_LINK,
        BUS_INSTALL_MASK, BUS_INSTALL_UNMASK, BUS_INSTALL_PRESET, BUS_INSTALL_REVERT,
} BusInstallVerb;
int bus_unit_file_change(BusCall *c);
int bus_unit_file_get_state(BusCall *c);
int bus_unit_file_get_links(BusCall *c);
int bus_unit_file_list(BusCall *c);
int bus_unit_file_preset_all(BusCall *c);
int bus_unit_file_set_default(BusCall *c);
int bus_unit_file_get_default(BusCall *c);
int bus_unit_file_add_dependency(BusCall *c);
