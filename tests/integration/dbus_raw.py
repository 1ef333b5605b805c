# SPDX-License-Identifier: MIT
"""A deliberately small D-Bus client for tests: SASL EXTERNAL, method calls with arguments of any
signature (the INTERFACE header field may be left out), replies decoded into Python values.
Little-endian only. It is independent of tinysd's C implementation, so it checks the server from
outside.

Values: y n q i u x t -> int, b -> bool, d -> float, s o g -> str, a -> list (a{..} -> list of
pairs), (..) -> list, v -> [signature, value].

Runnable as a script inside a container:
  `python3 dbus_raw.py SOCKET PATH IFACE MEMBER [ARGS...]` (string arguments) prints
  `return <first value>` or `error <name> <message>`;
  `python3 dbus_raw.py --batch` reads a JSON list of calls
  ({"socket", "path", "interface" (null: none), "member", "signature", "args"}) on stdin and prints
  a JSON list of results: {"kind": "return"|"error"|"connect-error", "name", "values"}; one
  connection per socket is kept for the whole batch;
  `python3 dbus_raw.py --flood SOCKET N MODE STATUS STOP` opens N connections and holds them (MODE
  "half": a NUL byte and nothing more, SASL never finished; "idle": SASL finished, then silence;
  "churn": as "half", and every connection the server closes is opened again at once),
  writing {"connected", "refused", "open", "authenticated"} to the file STATUS as the server closes
  them, until the file STOP exists (or 300 s)."""
import json
import os
import socket
import struct
import sys

_ALIGN = {"y": 1, "b": 4, "n": 2, "q": 2, "i": 4, "u": 4, "x": 8, "t": 8, "d": 8, "s": 4, "o": 4, "g": 1,
          "a": 4, "(": 8, "{": 8, "v": 1, "h": 4}
_FIXED = {"y": "<B", "b": "<I", "n": "<h", "q": "<H", "i": "<i", "u": "<I", "x": "<q", "t": "<Q", "d": "<d",
          "h": "<I"}


def split_signature(sig):
    """The complete types of a signature."""
    out, i = [], 0
    while i < len(sig):
        j = _type_end(sig, i)
        out.append(sig[i:j])
        i = j
    return out


def _type_end(sig, i):
    c = sig[i]
    if c == "a":
        return _type_end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        i += 1
        while sig[i] != close:
            i = _type_end(sig, i)
        return i + 1
    return i + 1


def _pad(buf, n):
    return buf + b"\0" * (-len(buf) % n)


def _marshal_one(buf, t, v):
    c = t[0]
    buf = _pad(buf, _ALIGN[c])
    if c in _FIXED:
        return buf + struct.pack(_FIXED[c], int(v) if c != "d" else float(v))
    if c in "so":
        b = v.encode()
        return buf + struct.pack("<I", len(b)) + b + b"\0"
    if c == "g":
        b = v.encode()
        return buf + bytes([len(b)]) + b + b"\0"
    if c == "v":
        inner, val = v
        buf = _marshal_one(buf, "g", inner)
        return _marshal_one(buf, inner, val)
    if c in "({":
        for sub, val in zip(split_signature(t[1:-1]), v):
            buf = _marshal_one(buf, sub, val)
        return buf
    if c == "a":
        elem = t[1:]
        buf += b"\0\0\0\0"
        at = len(buf)
        buf = _pad(buf, _ALIGN[elem[0]])
        start = len(buf)
        for val in v:
            buf = _marshal_one(buf, elem, val)
        return buf[:at - 4] + struct.pack("<I", len(buf) - start) + buf[at:]
    raise ValueError(t)


def marshal(sig, values):
    body = b""
    for t, v in zip(split_signature(sig), values):
        body = _marshal_one(body, t, v)
    return body


def _unmarshal_one(data, off, t):
    c = t[0]
    off += -off % _ALIGN[c]
    if c in _FIXED:
        (v,) = struct.unpack_from(_FIXED[c], data, off)
        return (bool(v) if c == "b" else v), off + struct.calcsize(_FIXED[c])
    if c in "so":
        (n,) = struct.unpack_from("<I", data, off)
        return data[off + 4:off + 4 + n].decode(), off + 4 + n + 1
    if c == "g":
        n = data[off]
        return data[off + 1:off + 1 + n].decode(), off + n + 2
    if c == "v":
        inner, off = _unmarshal_one(data, off, "g")
        val, off = _unmarshal_one(data, off, inner)
        return [inner, val], off
    if c in "({":
        out = []
        for sub in split_signature(t[1:-1]):
            val, off = _unmarshal_one(data, off, sub)
            out.append(val)
        return out, off
    if c == "a":
        (n,) = struct.unpack_from("<I", data, off)
        off += 4
        off += -off % _ALIGN[t[1]]
        end, out = off + n, []
        while off < end:
            val, off = _unmarshal_one(data, off, t[1:])
            out.append(val)
        return out, off
    raise ValueError(t)


def unmarshal(sig, body):
    out, off = [], 0
    for t in split_signature(sig):
        v, off = _unmarshal_one(body, off, t)
        out.append(v)
    return out


def method_call(serial, path, interface, member, args=(), destination="org.freedesktop.systemd1", signature=None):
    """A method call; interface None leaves the INTERFACE field out. Without a signature, every
    argument is a string."""
    if signature is None:
        signature = "s" * len(args)
    body = marshal(signature, args)
    fields = [(1, "o", path)] + ([(2, "s", interface)] if interface is not None else [])
    fields += [(3, "s", member), (6, "s", destination)]
    if signature:
        fields.append((8, "g", signature))
    hdr = b""
    for code, sig, val in fields:
        hdr = _pad(hdr, 8) + bytes([code])
        hdr = _marshal_one(hdr, "g", sig)
        hdr = _marshal_one(hdr, sig, val)
    fixed = struct.pack("<cBBBIII", b"l", 1, 0, 1, len(body), serial, len(hdr))
    return _pad(fixed + hdr, 8) + body


def parse(data):
    """(type, fields{code: value}, body bytes, body signature)"""
    typ = data[1]
    blen, _serial, flen = struct.unpack_from("<III", data, 4)
    off, end, fields = 16, 16 + flen, {}
    while off < end:
        off += -off % 8
        code = data[off]
        (sig, val), off = _unmarshal_one(data, off + 1, "v")
        fields[code] = val
    body_off = end + (-end % 8)
    return typ, fields, data[body_off:body_off + blen], fields.get(8, "")


def first_value(body, sig):
    """The first argument when it is a string, object path or a variant holding one."""
    if not sig:
        return None
    if sig[0] in "so":
        return unmarshal(sig[0], body)[0]
    if sig[0] == "v":
        inner, val = unmarshal("v", body)[0]
        return val if inner[0] in "so" else inner
    return sig


class Client:
    def __init__(self, path, timeout=5, authenticate=True):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.serial = 0
        self.buf = b""
        if authenticate:
            uid = str(os.geteuid()).encode().hex()
            self.s.sendall(b"\0AUTH EXTERNAL " + uid.encode() + b"\r\nBEGIN\r\n")
            line = self._readline()
            if not line.startswith(b"OK "):
                raise ConnectionError(line)

    def close(self):
        self.s.close()

    def _readline(self):
        out = b""
        while not out.endswith(b"\r\n"):
            c = self.s.recv(1)
            if not c:
                raise ConnectionError("closed during SASL")
            out += c
        return out

    def _message(self):
        while True:
            if len(self.buf) >= 16:
                blen, _s, flen = struct.unpack_from("<III", self.buf, 4)
                total = 16 + flen + (-(16 + flen) % 8) + blen
                if len(self.buf) >= total:
                    m, self.buf = self.buf[:total], self.buf[total:]
                    return parse(m)
            d = self.s.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d

    def _call(self, path, interface, member, signature, args):
        self.serial += 1
        self.s.sendall(method_call(self.serial, path, interface, member, args, signature=signature))
        while True:
            typ, fields, body, sig = self._message()
            if typ in (2, 3) and fields.get(5) == self.serial:
                return ("error" if typ == 3 else "return"), fields.get(4), body, sig

    def call_typed(self, path, interface, member, signature="", args=()):
        """(kind, error name, decoded values): kind "return" or "error"."""
        kind, name, body, sig = self._call(path, interface, member, signature, args)
        return kind, name, unmarshal(sig, body)

    def call(self, path, interface, member, *args):
        """String arguments; (kind, error name, first value, see first_value())."""
        kind, name, body, sig = self._call(path, interface, member, "s" * len(args), args)
        return kind, name, first_value(body, sig)


def batch(calls):
    clients, out = {}, []
    for call in calls:
        sock = call["socket"]
        try:
            if sock not in clients:
                clients[sock] = Client(sock)
            kind, name, values = clients[sock].call_typed(call["path"], call.get("interface"), call["member"],
                                                          call.get("signature", ""), call.get("args", []))
            out.append({"kind": kind, "name": name, "values": values})
        except OSError as e:
            clients.pop(sock, None)
            out.append({"kind": "connect-error", "name": type(e).__name__, "values": [str(e)]})
    return out


def _still_open(s, state):
    """False once the server closed s; records an OK answer in state."""
    try:
        d = s.recv(65536, socket.MSG_DONTWAIT)
    except BlockingIOError:
        return True
    except OSError:
        return False
    if d.startswith(b"OK "):
        state["ok"] = True
    return bool(d)


def flood(path, n, mode, status, stop):
    import resource
    import time
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    hello = b"\0AUTH EXTERNAL " + str(os.geteuid()).encode().hex().encode() + b"\r\nBEGIN\r\n"
    def connect():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(path)
            s.sendall(hello if mode == "idle" else b"\0")
            return s
        except OSError:
            s.close()
            return None

    conns, refused, opened = [], 0, 0
    for _ in range(n):
        s = connect()
        refused += s is None
        if s:
            conns.append((s, {}))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not os.path.exists(stop):
        conns = [(s, st) for s, st in conns if _still_open(s, st) or s.close()]
        while mode == "churn" and len(conns) < n and not os.path.exists(stop):
            s = connect()
            opened += 1
            if s:
                conns.append((s, {}))
        doc = {"connected": n - refused, "refused": refused, "open": len(conns),
               "authenticated": sum(1 for _, st in conns if st.get("ok")), "reopened": opened}
        with open(status + ".new", "w") as f:
            json.dump(doc, f)
        os.rename(status + ".new", status)
        if mode != "churn":
            time.sleep(0.1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--flood"]:
        flood(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
        sys.exit(0)
    if sys.argv[1:] == ["--batch"]:
        json.dump(batch(json.load(sys.stdin)), sys.stdout)
        sys.exit(0)
    sock, path, iface, member, *rest = sys.argv[1:]
    kind, name, value = Client(sock).call(path, iface, member, *rest)
    print(kind, name or "", value if value is not None else "")
