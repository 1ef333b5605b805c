/* SPDX-License-Identifier: MIT */
/* Condition*= and Assert*= (systemd.unit(5)): names and list handling. Evaluation lives with the
 * manager; systemd 252 checks only path syntax when loading, so nothing else is judged here. */
#include "unit/unit.h"

static const char *const condition_type_table[_CONDITION_TYPE_MAX] = {
        [CONDITION_ARCHITECTURE] = "ConditionArchitecture",
        [CONDITION_FIRMWARE] = "ConditionFirmware",
        [CONDITION_VIRTUALIZATION] = "ConditionVirtualization",
        [CONDITION_HOST] = "ConditionHost",
        [CONDITION_KERNEL_COMMAND_LINE] = "ConditionKernelCommandLine",
        [CONDITION_KERNEL_VERSION] = "ConditionKernelVersion",
        [CONDITION_CREDENTIAL] = "ConditionCredential",
        [CONDITION_SECURITY] = "ConditionSecurity",
        [CONDITION_CAPABILITY] = "ConditionCapability",
        [CONDITION_AC_POWER] = "ConditionACPower",
        [CONDITION_MEMORY] = "ConditionMemory",
        [CONDITION_CPUS] = "ConditionCPUs",
        [CONDITION_ENVIRONMENT] = "ConditionEnvironment",
        [CONDITION_CPU_FEATURE] = "ConditionCPUFeature",
        [CONDITION_OS_RELEASE] = "ConditionOSRelease",
        [CONDITION_MEMORY_PRESSURE] = "ConditionMemoryPressure",
        [CONDITION_CPU_PRESSURE] = "ConditionCPUPressure",
        [CONDITION_IO_PRESSURE] = "ConditionIOPressure",
        [CONDITION_NEEDS_UPDATE] = "ConditionNeedsUpdate",
        [CONDITION_FIRST_BOOT] = "ConditionFirstBoot",
        [CONDITION_PATH_EXISTS] = "ConditionPathExists",
        [CONDITION_PATH_EXISTS_GLOB] = "ConditionPathExistsGlob",
        [CONDITION_PATH_IS_DIRECTORY] = "ConditionPathIsDirectory",
        [CONDITION_PATH_IS_SYMBOLIC_LINK] = "ConditionPathIsSymbolicLink",
        [CONDITION_PATH_IS_MOUNT_POINT] = "ConditionPathIsMountPoint",
        [CONDITION_PATH_IS_READ_WRITE] = "ConditionPathIsReadWrite",
        [CONDITION_PATH_IS_ENCRYPTED] = "ConditionPathIsEncrypted",
        [CONDITION_DIRECTORY_NOT_EMPTY] = "ConditionDirectoryNotEmpty",
        [CONDITION_FILE_NOT_EMPTY] = "ConditionFileNotEmpty",
        [CONDITION_FILE_IS_EXECUTABLE] = "ConditionFileIsExecutable",
        [CONDITION_USER] = "ConditionUser",
        [CONDITION_GROUP] = "ConditionGroup",
        [CONDITION_CONTROL_GROUP_CONTROLLER] = "ConditionControlGroupController",
};

const char *condition_type_to_string(ConditionType t) {
        return (int)t >= 0 && t < _CONDITION_TYPE_MAX ? condition_type_table[t] : NULL;
}

ConditionType condition_type_from_string(const char *s) {
        return (ConditionType)string_table_lookup(condition_type_table, ELEMENTSOF(condition_type_table), s);
}

/* "AssertX" is "ConditionX" with the other prefix, for every type. */
const char *assert_type_to_string(ConditionType t) {
        static const char *const names[_CONDITION_TYPE_MAX] = {
#define A(t, n) [t] = "Assert" n
                A(CONDITION_ARCHITECTURE, "Architecture"), A(CONDITION_FIRMWARE, "Firmware"),
                A(CONDITION_VIRTUALIZATION, "Virtualization"), A(CONDITION_HOST, "Host"),
                A(CONDITION_KERNEL_COMMAND_LINE, "KernelCommandLine"), A(CONDITION_KERNEL_VERSION, "KernelVersion"),
                A(CONDITION_CREDENTIAL, "Credential"), A(CONDITION_SECURITY, "Security"),
                A(CONDITION_CAPABILITY, "Capability"), A(CONDITION_AC_POWER, "ACPower"),
                A(CONDITION_MEMORY, "Memory"), A(CONDITION_CPUS, "CPUs"), A(CONDITION_ENVIRONMENT, "Environment"),
                A(CONDITION_CPU_FEATURE, "CPUFeature"), A(CONDITION_OS_RELEASE, "OSRelease"),
                A(CONDITION_MEMORY_PRESSURE, "MemoryPressure"), A(CONDITION_CPU_PRESSURE, "CPUPressure"),
                A(CONDITION_IO_PRESSURE, "IOPressure"), A(CONDITION_NEEDS_UPDATE, "NeedsUpdate"),
                A(CONDITION_FIRST_BOOT, "FirstBoot"), A(CONDITION_PATH_EXISTS, "PathExists"),
                A(CONDITION_PATH_EXISTS_GLOB, "PathExistsGlob"), A(CONDITION_PATH_IS_DIRECTORY, "PathIsDirectory"),
                A(CONDITION_PATH_IS_SYMBOLIC_LINK, "PathIsSymbolicLink"),
                A(CONDITION_PATH_IS_MOUNT_POINT, "PathIsMountPoint"), A(CONDITION_PATH_IS_READ_WRITE, "PathIsReadWrite"),
                A(CONDITION_PATH_IS_ENCRYPTED, "PathIsEncrypted"), A(CONDITION_DIRECTORY_NOT_EMPTY, "DirectoryNotEmpty"),
                A(CONDITION_FILE_NOT_EMPTY, "FileNotEmpty"), A(CONDITION_FILE_IS_EXECUTABLE, "FileIsExecutable"),
                A(CONDITION_USER, "User"), A(CONDITION_GROUP, "Group"),
                A(CONDITION_CONTROL_GROUP_CONTROLLER, "ControlGroupController"),
#undef A
        };
        return (int)t >= 0 && t < _CONDITION_TYPE_MAX ? names[t] : NULL;
}

ConditionType assert_type_from_string(const char *s) {
        for (int t = 0; s && t < _CONDITION_TYPE_MAX; t++)
                if (streq(assert_type_to_string((ConditionType)t), s)) return (ConditionType)t;
        return _CONDITION_TYPE_INVALID;
}

Condition *condition_new(ConditionType t, const char *parameter, bool trigger, bool negate) {
        Condition *c = calloc(1, sizeof *c);
        if (!c) return NULL;
        *c = (Condition){ .type = t, .trigger = trigger, .negate = negate };
        if (!(c->parameter = strdup(parameter))) {
                free(c);
                return NULL;
        }
        return c;
}

void condition_list_free(Condition *c) {
        while (c) {
                Condition *n = c->next;
                free(c->parameter);
                free(c);
                c = n;
        }
}
