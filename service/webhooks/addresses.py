"""Where webhooks may go: http(s) URLs whose every address is public, unless allow-listed.

A subscription's URL is checked when it is created, and again at each delivery after DNS
resolution, on the very addresses the connection then uses (a name that later resolves to a
private address, or a DNS answer that changes between check and connect, is refused too).
Loopback, private, link-local, cloud metadata and other non-public addresses are refused
unless SCREENING_WEBHOOK_ALLOWED_NETWORKS names them.
"""

import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

import httpcore
import httpx

from service.engine.errors import ScreeningError

# Metadata services that hand out cloud credentials (AWS, GCP and Azure, ECS tasks, Alibaba).
METADATA = {
    ip_address("169.254.169.254"),
    ip_address("169.254.170.2"),
    ip_address("fd00:ec2::254"),
    ip_address("100.100.100.200"),
}
ALLOW_HINT = "name it in SCREENING_WEBHOOK_ALLOWED_NETWORKS to allow it"


class UnsafeAddress(ValueError):
    """A webhook host resolves to an address deliveries may not reach, or to none."""


class InvalidWebhookUrl(ScreeningError):
    """A subscription's URL is not one webhooks may be sent to."""

    code = "validation_error"
    status = 422

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"invalid request: body.url: {reason}",
            details=[{"loc": ["body", "url"], "message": reason, "type": "unsafe_url"}],
        )


def _kind(address: IPv4Address | IPv6Address) -> str | None:
    """Why deliveries may not reach an address by default, or None for a public one."""
    if address in METADATA:
        return "a cloud metadata address"
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
    ):
        if flag:
            return kind
    return None if address.is_global else "not a public address"


class AddressPolicy:
    """Public addresses, plus the allow-listed networks."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = [ip_network(net, strict=False) for net in allowed]

    def refusal(self, address: str) -> str | None:
        """Why deliveries may not reach this address, or None when they may."""
        parsed = ip_address(address.split("%", 1)[0])
        if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        if any(parsed in net for net in self.allowed):
            return None
        kind = _kind(parsed)
        return f"{parsed} is {kind}; {ALLOW_HINT}" if kind else None

    def resolve(self, host: str, port: int) -> list[str]:
        """The host's addresses when every one is allowed; UnsafeAddress otherwise."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError) as exc:
            raise UnsafeAddress(f"{host} does not resolve ({exc})") from exc
        addresses = list(dict.fromkeys(str(entry[4][0]) for entry in found))
        for address in addresses:
            if reason := self.refusal(address):
                raise UnsafeAddress(f"refused {host}: {reason}")
        return addresses

    def check_url(self, url: str) -> None:
        """Raise InvalidWebhookUrl unless `url` is http(s) with a host deliveries may reach."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise InvalidWebhookUrl(f"not a URL: {exc}") from exc
        if parsed.scheme not in ("http", "https"):
            raise InvalidWebhookUrl("only http and https URLs are allowed")
        if not parsed.host:
            raise InvalidWebhookUrl("the URL has no host")
        if parsed.userinfo:
            raise InvalidWebhookUrl("credentials in the URL are not kept; the signature is")
        if parsed.fragment:
            raise InvalidWebhookUrl("a URL with a #fragment is not allowed")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            self.resolve(parsed.host, port)
        except UnsafeAddress as exc:
            raise InvalidWebhookUrl(str(exc)) from exc


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the policy allows, resolved once, here, for this connection."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.resolve(host, port)
        except UnsafeAddress as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport whose connections go only where the address policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend, so its pool is rebuilt with one that checks addresses.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(policy),
        )
