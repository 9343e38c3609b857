"""Where and how to reach the server: target, TLS, mutual TLS, bearer token, deadline, and the
TRIALGRAPH_* environment variables that the Java client and the command line read too."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from typing import Mapping, Optional, Tuple

import grpc

from .errors import invalid

__all__ = ["Connection", "ENV_TARGET", "ENV_TOKEN", "ENV_TLS", "ENV_CA_CERT", "ENV_CLIENT_CERT",
           "ENV_CLIENT_KEY", "ENV_ALLOW_TOKEN_OVER_PLAINTEXT", "ENV_MODE", "ENV_SPOOL_DIR"]

ENV_TARGET = "TRIALGRAPH_TARGET"
ENV_TOKEN = "TRIALGRAPH_TOKEN"
ENV_TLS = "TRIALGRAPH_TLS"
ENV_CA_CERT = "TRIALGRAPH_CA_CERT"
ENV_CLIENT_CERT = "TRIALGRAPH_CLIENT_CERT"
ENV_CLIENT_KEY = "TRIALGRAPH_CLIENT_KEY"
ENV_ALLOW_TOKEN_OVER_PLAINTEXT = "TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT"
# Python only: "offline" keeps metrics (and a Tracker's records) in the spool for trialgraph-sync.
ENV_MODE = "TRIALGRAPH_MODE"
# Python only: the spool folder of metric loggers (default: the user's cache folder).
ENV_SPOOL_DIR = "TRIALGRAPH_SPOOL_DIR"

DEFAULT_TARGET = "localhost:50051"
_MAX_RECEIVE = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Connection:
    """Settings of a connection; :meth:`channel` makes a gRPC channel from them.

    ``tls``: True for TLS, False for plain text, None (the default) for TLS unless the target
    is on this machine (``localhost``, a loopback address or a Unix socket), where the server's
    own default is plain text. ``ca_cert`` (PEM file of the CAs to trust; default: the system's)
    and ``client_cert`` with ``client_key`` (PEM files, mutual TLS) imply TLS. A ``token`` is sent
    as ``authorization: Bearer <token>`` and is never sent in plain text to another machine
    unless ``allow_token_over_plaintext``. ``deadline``: seconds a call may take.
    """

    target: str = DEFAULT_TARGET
    tls: Optional[bool] = None
    ca_cert: Optional[str] = None
    client_cert: Optional[str] = None
    client_key: Optional[str] = None
    token: Optional[str] = None
    allow_token_over_plaintext: bool = False
    deadline: float = 30.0
    offline: bool = False

    def __post_init__(self) -> None:
        if not self.target or not self.target.strip():
            raise invalid('target: is required, e.g. "localhost:50051"')
        if (self.client_cert is None) != (self.client_key is None):
            raise invalid("client_cert and client_key: set both or neither")
        if self.tls is False and (self.ca_cert or self.client_cert):
            raise invalid("tls=False contradicts " + ("ca_cert" if self.ca_cert else "client_cert") + ", which needs TLS")
        if not self.deadline or self.deadline <= 0:
            raise invalid(f"deadline: must be positive, is {self.deadline}")
        if self.token is not None and (not self.token or any(ord(c) < 0x21 or ord(c) > 0x7E for c in self.token)):
            raise invalid("token: must be printable ASCII without blanks")
        if self.token and not self.uses_tls and not self.allow_token_over_plaintext and not is_on_this_machine(self.target):
            raise invalid(
                f"token: not sent in plain text to {self.target}, where anyone on the way could read and use it: "
                f"connect with TLS, or allow it explicitly if the network is trusted "
                f"(allow_token_over_plaintext=True, {ENV_ALLOW_TOKEN_OVER_PLAINTEXT}=true)")

    @property
    def uses_tls(self) -> bool:
        if self.tls is not None:
            return self.tls
        if self.ca_cert or self.client_cert:
            return True
        return not is_on_this_machine(self.target)

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None, **overrides) -> "Connection":
        """Settings from the environment; keyword arguments override them.

        ``TRIALGRAPH_TARGET`` (default ``localhost:50051``), ``TRIALGRAPH_TOKEN``,
        ``TRIALGRAPH_TLS`` (``true``/``false``; unset: TLS unless the target is on this machine),
        ``TRIALGRAPH_CA_CERT``, ``TRIALGRAPH_CLIENT_CERT`` with ``TRIALGRAPH_CLIENT_KEY``,
        ``TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT=true`` and ``TRIALGRAPH_MODE=offline``. Unset or
        blank variables change nothing.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> Optional[str]:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() else None

        values = {}
        if get(ENV_TARGET):
            values["target"] = get(ENV_TARGET)
        if get(ENV_TOKEN):
            values["token"] = get(ENV_TOKEN)
        tls = _flag(ENV_TLS, get(ENV_TLS))
        if tls is not None:
            values["tls"] = tls
        ca, cert, key = get(ENV_CA_CERT), get(ENV_CLIENT_CERT), get(ENV_CLIENT_KEY)
        if (cert is None) != (key is None):
            raise invalid(f"{ENV_CLIENT_CERT} and {ENV_CLIENT_KEY}: set both or neither")
        if tls is False and (ca or cert):
            raise invalid(f"{ENV_TLS}=false contradicts {ENV_CA_CERT if ca else ENV_CLIENT_CERT}, which needs TLS")
        if ca:
            values["ca_cert"] = ca
        if cert:
            values["client_cert"], values["client_key"] = cert, key
        if _flag(ENV_ALLOW_TOKEN_OVER_PLAINTEXT, get(ENV_ALLOW_TOKEN_OVER_PLAINTEXT)):
            values["allow_token_over_plaintext"] = True
        mode = get(ENV_MODE)
        if mode is not None:
            if mode.lower() not in ("online", "offline"):
                raise invalid(f"{ENV_MODE}: must be online or offline, is '{mode}'")
            values["offline"] = mode.lower() == "offline"
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def metadata(self) -> Tuple[Tuple[str, str], ...]:
        """Call metadata: the bearer token, if any."""
        return (("authorization", "Bearer " + self.token),) if self.token else ()

    def channel(self) -> grpc.Channel:
        """A new channel (connects lazily, on the first call)."""
        options = [("grpc.max_receive_message_length", _MAX_RECEIVE),
                   ("grpc.primary_user_agent", "trialgraph-python-client")]
        if not self.uses_tls:
            return grpc.insecure_channel(self.target, options=options)
        root = _read(self.ca_cert, "ca_cert") if self.ca_cert else None
        key = _read(self.client_key, "client_key") if self.client_key else None
        chain = _read(self.client_cert, "client_cert") if self.client_cert else None
        credentials = grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=chain)
        return grpc.secure_channel(self.target, credentials, options=options)


def _flag(name: str, value: Optional[str]) -> Optional[bool]:
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise invalid(f"{name}: must be true or false, is '{value}'")
    return value.lower() == "true"


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise invalid(f"{what}: cannot read {path}: {e.strerror or e}") from e


def is_on_this_machine(target: str) -> bool:
    """Whether a gRPC target is on this machine: a Unix socket, ``localhost`` or a loopback
    address, as ``host:port`` or a ``dns:`` URI. Names other than localhost are not looked up."""
    t = target.strip()
    if t.startswith(("unix:", "unix-abstract:")):
        return True
    host_port = t
    if t.lower().startswith("dns:"):
        host_port = t[4:]
        if host_port.startswith("//"):
            slash = host_port.find("/", 2)
            host_port = "" if slash < 0 else host_port[slash + 1:]
    elif "://" in t:
        return False
    if host_port.startswith("["):
        end = host_port.find("]")
        host = host_port[1:end] if end > 0 else host_port
    elif host_port.count(":") <= 1:
        host = host_port.split(":", 1)[0]
    else:
        host = host_port
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


