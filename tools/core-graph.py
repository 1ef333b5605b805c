#!/usr/bin/python3
"""Module graph of src/core (usage: python3 tools/core-graph.py [BUILD_DIR], default build): which object file calls (or reads data of) which other, from nm on
build/obj/src/core/*.o; prints the strongly connected components (cycles) and their edges, and the
.c files without a header of their own."""
import pathlib, subprocess, sys, collections
build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build")
objs = sorted((build / "obj/src/core").glob("*.o"))
defined, undef = {}, {}
for o in objs:
    mod = o.stem
    out = subprocess.run(["nm", "--defined-only", "-g", str(o)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) >= 3: defined[p[2]] = mod
    out = subprocess.run(["nm", "-u", str(o)], capture_output=True, text=True).stdout
    undef[mod] = {l.split()[-1] for l in out.splitlines() if l.strip()}
edges = collections.defaultdict(set)
for mod, syms in undef.items():
    for s in syms:
        d = defined.get(s)
        if d and d != mod: edges[mod].add(d)
n_edges = sum(len(v) for v in edges.values())
# Tarjan
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        sccs.append(sorted(c))
sys.setrecursionlimit(10000)
for o in objs:
    if o.stem not in index: visit(o.stem)
print(f"{len(objs)} modules, {n_edges} module edges")
for c in sccs:
    if len(c) > 1:
        inner = sum(1 for a in c for b in edges[a] if b in c)
        print(f"cycle of {len(c)} modules, {inner} edges inside: {' '.join(c)}")
        for a in c:
            print(f"   {a} -> {' '.join(sorted(b for b in edges[a] if b in c))}")
src = pathlib.Path("src/core")
nohdr = [c.stem for c in sorted(src.glob("*.c")) if not (src / (c.stem + ".h")).exists()]
print(f"{len(nohdr)} .c files without a header of their own: {' '.join(nohdr)}")
