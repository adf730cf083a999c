"""Requests our server makes to addresses users typed (group robots), without letting
them reach inside the network (SSRF).

A robot address is used only when its host is allowed (the platform's own robot host,
or an intranet gateway the administrator listed) and every address the name resolves to
is one such a host may have. The check runs when the address is saved and again at each
send; at send time the connection goes to the address that was checked, so a name that
resolves differently a moment later (DNS rebinding) cannot slip past. Redirects are not
followed, and the remote body is never shown: only the status and a classified error.

- Platform hosts must resolve to public addresses only.
- A gateway the administrator listed may sit on a private or loopback address (that is
  what it is for: a relay on the intranet or on this server).
- Never: link-local (169.254.0.0/16, fe80::/10, the clouds' metadata services at
  169.254.169.254 and fd00:ec2::254), Alibaba Cloud's 100.100.100.200, unspecified,
  multicast, reserved.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

DEFAULT_PORTS = {"http": 80, "https": 443}
METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, Azure, GCP, Huawei, Tencent Cloud …
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}


class Refused(Exception):
    """The address may not be used; ``str()`` is the short Chinese reason."""


@dataclass(frozen=True)
class Allowed:
    host: str  # lower case, no brackets
    port: int | None  # None: the scheme's default port only
    public_only: bool  # a platform host: public addresses only


def parse_host_list(text):
    """``host`` or ``host:port`` per line ("[v6]:port" for IPv6) → list of Allowed.
    A bad line raises ValidationError naming the line."""
    entries = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parts = urlsplit(f"//{line}")
            host, port = parts.hostname, parts.port
        except ValueError:
            host, port = None, None
        if not host or parts.path or parts.query or parts.username or "/" in line:
            raise ValidationError(
                f"第 {number} 行“{line}”不是有效的主机地址，应为 主机名 或 主机名:端口，"
                "如 gateway.hexi.gov.cn 或 10.1.2.3:8080。"
            )
        entries.append(Allowed(host=host.lower(), port=port, public_only=False))
    return entries


def _address(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def address_refusal(address, *, public_only):
    """Why ``address`` may not be connected to, or "" when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in METADATA or address.is_link_local:
        return "地址不被允许（链路本地或云服务元数据地址）"
    if address.is_loopback:
        return "地址不被允许（本机地址）" if public_only else ""
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "地址不被允许"
    if public_only and not address.is_global:
        return "地址不被允许（内网地址）"
    return ""


def resolve(host, port):
    """Every address ``host`` resolves to (the test suite replaces this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def check_url(url, allowed):
    """(scheme, host, port, path, [checked addresses]) for ``url``, or Refused.

    ``allowed``: the Allowed entries that may be reached."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise Refused("地址格式不正确") from exc
    if parts.scheme not in DEFAULT_PORTS or not host:
        raise Refused("地址须以 http:// 或 https:// 开头")
    if parts.username or parts.password:
        raise Refused("地址不被允许（不得包含用户名或密码）")
    port = port or DEFAULT_PORTS[parts.scheme]
    entry = next(
        (
            a
            for a in allowed
            if a.host == host
            and (port == a.port if a.port else port == DEFAULT_PORTS[parts.scheme])
        ),
        None,
    )
    if entry is None:
        raise Refused(f"地址不被允许（{host} 不在允许的机器人地址范围内）")
    if entry.public_only and parts.scheme != "https":
        raise Refused("地址不被允许（须以 https:// 开头）")
    literal = _address(host)
    try:
        addresses = [literal] if literal else resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise Refused("无法解析域名") from exc
    if not addresses:
        raise Refused("无法解析域名")
    for address in addresses:
        reason = address_refusal(address, public_only=entry.public_only)
        if reason:
            raise Refused(reason)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port, path, addresses


def _connect(address, port, timeout):
    """A TCP connection to the numeric ``address`` itself (no name lookup on the way)."""
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((str(address), port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.zs_address = address

    def connect(self):
        self.sock = _connect(self.zs_address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is still verified for the name."""

    def __init__(self, host, port, *, address, timeout):
        self.zs_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.zs_context)
        self.zs_address = address

    def connect(self):
        sock = _connect(self.zs_address, self.port, self.timeout)
        self.sock = self.zs_context.wrap_socket(sock, server_hostname=self.host)


def post_json(url, body, *, allowed, timeout):
    """POST ``body`` (bytes, JSON) to ``url``. Returns (status, response bytes, at most
    4 kB). Raises Refused with a short classified Chinese reason: the address is not
    allowed, the name does not resolve, the connection times out or is refused, or the
    certificate fails. Redirects are not followed (a 3xx is just a status)."""
    scheme, host, port, path, addresses = check_url(url, allowed)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    headers = {"Content-Type": "application/json; charset=utf-8"}
    last_error = None
    for address in addresses:
        connection = cls(host, port, address=address, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(4000)
        except TimeoutError as exc:
            last_error = Refused("连接超时")
            last_error.__cause__ = exc
        except ssl.SSLError as exc:
            raise Refused("证书校验失败") from exc
        except ConnectionRefusedError as exc:
            last_error = Refused("连接被拒绝")
            last_error.__cause__ = exc
        except (OSError, http.client.HTTPException) as exc:
            last_error = Refused("无法连接")
            last_error.__cause__ = exc
        finally:
            connection.close()
    raise last_error
