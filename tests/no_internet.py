"""Keep the test suite off the internet: only loopback and Unix sockets connect.

Installed for the whole run by `tests/conftest.py`. A connection (or a name
lookup, or a datagram) to anything but this machine raises `InternetBlocked`,
an `OSError`, so code that handles network failures sees an ordinary one.
PostgreSQL and Redis at 127.0.0.1, the live server, the fake Stripe and
Playwright's pipe to its driver keep working; Chromium runs in a process of its
own and starts with background networking turned off.
"""

import ipaddress
import socket

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
INTERNET_FAMILIES = {socket.AF_INET, socket.AF_INET6}

_original = {}


class InternetBlocked(OSError):
    """The test suite tried to reach a host other than this machine."""


def is_local(host) -> bool:
    """Whether `host` (a name or an address) is this machine's loopback."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in LOCAL_NAMES or host == _original["gethostname"]().lower():
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def _refuse(what: str, host) -> InternetBlocked:
    return InternetBlocked(f"tests may not reach the internet ({what} {host!r})")


def _guarded_connect(name: str):
    original = _original[name]

    def connect(sock, address, *args):
        if sock.family in INTERNET_FAMILIES and not is_local(address[0]):
            raise _refuse("connect to", address[0])
        return original(sock, address, *args)

    return connect


def _guarded_sendto(sock, data, *args):
    address = args[-1]
    if sock.family in INTERNET_FAMILIES and not is_local(address[0]):
        raise _refuse("send to", address[0])
    return _original["sendto"](sock, data, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not is_local(host):
        raise _refuse("look up", host)
    return _original["getaddrinfo"](host, *args, **kwargs)


def _guarded_gethostbyname(host):
    if not is_local(host):
        raise _refuse("look up", host)
    return _original["gethostbyname"](host)


def install() -> None:
    """Refuse non-local connections from now on (idempotent)."""
    if _original:
        return
    _original.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        getaddrinfo=socket.getaddrinfo,
        gethostbyname=socket.gethostbyname,
        gethostname=socket.gethostname,
    )
    socket.socket.connect = _guarded_connect("connect")
    socket.socket.connect_ex = _guarded_connect("connect_ex")
    socket.socket.sendto = _guarded_sendto
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.gethostbyname = _guarded_gethostbyname
