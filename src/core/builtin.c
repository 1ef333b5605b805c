/* SPDX-License-Identifier: MIT */
/* Built-in definitions of systemd's standard targets and slices (systemd.special(7)), used when
 * the image ships none: a minimal image with only a vendor's service file still boots to
 * multi-user.target. Files on the search path always win. */
#include "base/util.h"
#include "core/builtin.h"

typedef struct Builtin { const char *name, *text; } Builtin;

#define DOC "Documentation=man:systemd.special(7)\n"
static const Builtin builtins[] = {
        { "multi-user.target", "[Unit]\nDescription=Multi-User System\n" DOC "Requires=basic.target\nConflicts=rescue.service rescue.target\nAfter=basic.target rescue.service rescue.target\nAllowIsolate=yes\n" },
        { "graphical.target", "[Unit]\nDescription=Graphical Interface\n" DOC "Requires=multi-user.target\nAfter=multi-user.target\nAllowIsolate=yes\n" },
        { "basic.target", "[Unit]\nDescription=Basic System\n" DOC "Requires=sysinit.target\nWants=sockets.target timers.target paths.target slices.target\nAfter=sysinit.target sockets.target paths.target slices.target\n" },
        { "sysinit.target", "[Unit]\nDescription=System Initialization\n" DOC "DefaultDependencies=no\nConflicts=emergency.service emergency.target\nWants=local-fs.target swap.target\nAfter=local-fs.target swap.target emergency.service emergency.target\n" },
        { "local-fs.target", "[Unit]\nDescription=Local File Systems\n" DOC "DefaultDependencies=no\nConflicts=shutdown.target\nAfter=local-fs-pre.target\n" },
        { "local-fs-pre.target", "[Unit]\nDescription=Preparation for Local File Systems\n" DOC "DefaultDependencies=no\nRefuseManualStart=yes\n" },
        { "remote-fs.target", "[Unit]\nDescription=Remote File Systems\n" DOC "After=remote-fs-pre.target\n" },
        { "remote-fs-pre.target", "[Unit]\nDescription=Preparation for Remote File Systems\n" DOC "RefuseManualStart=yes\n" },
        { "swap.target", "[Unit]\nDescription=Swaps\n" DOC "\n" },
        { "sockets.target", "[Unit]\nDescription=Socket Units\n" DOC "\n" },
        { "timers.target", "[Unit]\nDescription=Timer Units\n" DOC "DefaultDependencies=no\nConflicts=shutdown.target\n" },
        { "paths.target", "[Unit]\nDescription=Path Units\n" DOC "\n" },
        { "slices.target", "[Unit]\nDescription=Slice Units\n" DOC "Wants=-.slice system.slice\nAfter=-.slice system.slice\n" },
        { "network.target", "[Unit]\nDescription=Network\n" DOC "After=network-pre.target\nRefuseManualStart=yes\n" },
        { "network-pre.target", "[Unit]\nDescription=Preparation for Network\n" DOC "RefuseManualStart=yes\n" },
        { "network-online.target", "[Unit]\nDescription=Network is Online\n" DOC "After=network.target\n" },
        { "nss-lookup.target", "[Unit]\nDescription=Host and Network Name Lookups\n" DOC "RefuseManualStart=yes\n" },
        { "nss-user-lookup.target", "[Unit]\nDescription=User and Group Name Lookups\n" DOC "RefuseManualStart=yes\n" },
        { "time-set.target", "[Unit]\nDescription=System Time Set\n" DOC "RefuseManualStart=yes\n" },
        { "time-sync.target", "[Unit]\nDescription=System Time Synchronized\n" DOC "RefuseManualStart=yes\nAfter=time-set.target\nWants=time-set.target\n" },
        { "getty.target", "[Unit]\nDescription=Login Prompts\n" DOC "\n" },
        { "rescue.target", "[Unit]\nDescription=Rescue Mode\n" DOC "Requires=sysinit.target\nAfter=sysinit.target\nAllowIsolate=yes\n" },
        { "emergency.target", "[Unit]\nDescription=Emergency Mode\n" DOC "AllowIsolate=yes\n" },
        { "shutdown.target", "[Unit]\nDescription=System Shutdown\n" DOC "DefaultDependencies=no\nRefuseManualStart=yes\n" },
        { "umount.target", "[Unit]\nDescription=Unmount All Filesystems\n" DOC "DefaultDependencies=no\nRefuseManualStart=yes\n" },
        { "final.target", "[Unit]\nDescription=Late Shutdown Services\n" DOC "DefaultDependencies=no\nRefuseManualStart=yes\nAfter=shutdown.target umount.target\n" },
        { "halt.target", "[Unit]\nDescription=System Halt\n" DOC "DefaultDependencies=no\nAllowIsolate=yes\n" },
        { "poweroff.target", "[Unit]\nDescription=System Power Off\n" DOC "DefaultDependencies=no\nAllowIsolate=yes\n" },
        { "reboot.target", "[Unit]\nDescription=System Reboot\n" DOC "DefaultDependencies=no\nAllowIsolate=yes\n" },
        { "exit.target", "[Unit]\nDescription=Exit the Container\n" DOC "DefaultDependencies=no\nAllowIsolate=yes\n" },
        { "-.slice", "[Unit]\nDescription=Root Slice\n" DOC "DefaultDependencies=no\n" },
        { "system.slice", "[Unit]\nDescription=System Slice\n" DOC "DefaultDependencies=no\nBefore=slices.target\n" },
};

const char *builtin_unit_text(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(builtins); i++)
                if (streq(builtins[i].name, name)) return builtins[i].text;
        /* any other slice (system-foo.slice for instances): systemd synthesizes those too */
        if (endswith(name, ".slice")) return "[Unit]\nDefaultDependencies=no\n";
        return NULL;
}
