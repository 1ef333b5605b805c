# SPDX-License-Identifier: MIT
"""A deliberately tiny D-Bus client for tests: SASL EXTERNAL, method calls with string
arguments, replies read as (type, error name, first string-ish value). Little-endian only. It is
independent of tinysd's C implementation, so it checks the server from outside.

Runnable as a script inside a container: `python3 dbus_raw.py SOCKET PATH IFACE MEMBER [ARGS...]`
prints `return <value>` or `error <name> <message>`."""
import os
import socket
import struct
import sys


def _pad(buf, n):
    return buf + b"\0" * (-len(buf) % n)


def _string(buf, s, code="s"):
    b = s.encode()
    if code == "g":
        return buf + bytes([len(b)]) + b + b"\0"
    buf = _pad(buf, 4)
    return buf + struct.pack("<I", len(b)) + b + b"\0"


def method_call(serial, path, interface, member, args=(), destination="org.freedesktop.systemd1"):
    body = b""
    for a in args:
        body = _string(body, a)
    fields = [(1, "o", path), (2, "s", interface), (3, "s", member), (6, "s", destination)]
    if args:
        fields.append((8, "g", "s" * len(args)))
    hdr = b""
    for code, sig, val in fields:
        hdr = _pad(hdr, 8)
        hdr += bytes([code]) + _string(b"", sig, "g")
        hdr = _string(hdr, val, sig) if sig != "g" else _string(hdr, val, "g")
    fixed = struct.pack("<cBBBIII", b"l", 1, 0, 1, len(body), serial, len(hdr))
    return _pad(fixed + hdr, 8) + body


def _read_string(data, off, code):
    if code == "g":
        n = data[off]
        return data[off + 1:off + 1 + n].decode(), off + n + 2
    off += -off % 4
    (n,) = struct.unpack_from("<I", data, off)
    return data[off + 4:off + 4 + n].decode(), off + 4 + n + 1


def parse(data):
    """(type, fields{code: value}, body bytes, body signature)"""
    typ = data[1]
    blen, _serial, flen = struct.unpack_from("<III", data, 4)
    off, end, fields = 16, 16 + flen, {}
    while off < end:
        off += -off % 8
        code = data[off]
        sig, off = _read_string(data, off + 1, "g")
        if sig in ("s", "o", "g"):
            val, off = _read_string(data, off, sig)
        elif sig == "u":
            off += -off % 4
            (val,) = struct.unpack_from("<I", data, off)
            off += 4
        else:
            raise ValueError(sig)
        fields[code] = val
    body_off = end + (-end % 8)
    return typ, fields, data[body_off:body_off + blen], fields.get(8, "")


def first_value(body, sig):
    """The first argument when it is a string, object path or a variant holding one."""
    if not sig:
        return None
    if sig[0] in "so":
        return _read_string(body, 0, sig[0])[0]
    if sig[0] == "v":
        inner, off = _read_string(body, 0, "g")
        return _read_string(body, off, inner[0])[0] if inner[0] in "so" else inner
    return sig


class Client:
    def __init__(self, path, timeout=5):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        uid = str(os.geteuid()).encode().hex()
        self.s.sendall(b"\0AUTH EXTERNAL " + uid.encode() + b"\r\nBEGIN\r\n")
        line = self._readline()
        if not line.startswith(b"OK "):
            raise ConnectionError(line)
        self.serial = 0
        self.buf = b""

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

    def call(self, path, interface, member, *args):
        self.serial += 1
        self.s.sendall(method_call(self.serial, path, interface, member, args))
        while True:
            typ, fields, body, sig = self._message()
            if typ in (2, 3) and fields.get(5) == self.serial:
                if typ == 3:
                    return "error", fields.get(4), first_value(body, sig)
                return "return", None, first_value(body, sig)


if __name__ == "__main__":
    sock, path, iface, member, *rest = sys.argv[1:]
    kind, name, value = Client(sock).call(path, iface, member, *rest)
    print(kind, name or "", value if value is not None else "")
