"""Loaded by Python at start-up when this folder is on PYTHONPATH: refuses and records every outbound connection.

Only loopback and local sockets are allowed. Attempts go to the file named by $NETGUARD_LOG, one per line.
"""

import os
import socket

_LOG = os.environ.get("NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def _is_local(host) -> bool:
    if host in _LOCAL_NAMES:
        return True
    host = str(host)
    return host.startswith("127.") or host in ("::1", "0.0.0.0", "::") or host.startswith("::ffff:127.")


def _refuse(what: str) -> None:
    if _LOG:
        with open(_LOG, "a") as log:
            log.write(what + "\n")
    raise ConnectionRefusedError(f"netguard: outbound connection refused: {what}")


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if not _is_local(host if not isinstance(host, bytes) else host.decode()):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


if _LOG:
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
    if os.environ.get("NETGUARD_LOADED"):
        with open(os.environ["NETGUARD_LOADED"], "a") as loaded:
            loaded.write(f"{os.getpid()}\n")  # proof that this process ran with the guard
