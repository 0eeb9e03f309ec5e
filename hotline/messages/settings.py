"""The deployment's channels: which channel each recipient gets, and how to reach them.

Read from the environment by hotline.config.load_settings; every name is a contract with
deployments (README "Messages"). Without any variable the service writes every external
message to its log only (the `log` channel), so `make run` sends nothing by accident;
in-app messages to users (units, center, admins) stay on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

CHANNELS = ("sms", "email", "inapp", "log")
# Who a profile rule can address, and the channels that can reach each.
RECIPIENTS: dict[str, tuple[str, ...]] = {
    "unit": ("sms", "email", "inapp", "log"),  # the unit's handlers (经办人) and its users
    "unit_leader": ("sms", "email", "inapp", "log"),  # the unit's leaders (分管领导)
    "requester": ("sms", "log"),  # the requester's phone
    "government": ("sms", "email", "log"),  # the local government (属地政府) of the district
    "duty_office": ("sms", "email", "log"),  # the government duty office (政府值班室)
    "center": ("inapp", "log"),  # the center's users
    "admin": ("inapp", "log"),  # the admins' inbox: alerts
}
DEFAULT_ROUTES = "*=log; unit=log,inapp; unit_leader=log,inapp; center=inapp; admin=inapp"
_SELECTOR = re.compile(r"^(\*|[a-z_]+)(?:\.([a-z_]+))?$")


class MessagingConfigError(ValueError):
    """A messaging variable is malformed; the message names the variable."""


@dataclass(frozen=True)
class SmsGateway:
    """An HTTP SMS gateway: signed JSON POSTs out, signed replies in."""

    url: str
    secret: str  # HMAC-SHA256 key of both directions
    timeout: float = 5.0


@dataclass(frozen=True)
class Smtp:
    """An SMTP relay for e-mail."""

    host: str
    port: int = 25
    sender: str = "12345@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class Routes:
    """Channels per recipient and message kind: `recipient.kind` beats `recipient` beats `*`."""

    table: tuple[tuple[str, tuple[str, ...]], ...]

    def channels(self, recipient: str, kind: str) -> tuple[str, ...]:
        """The channels a message of `kind` to `recipient` goes over (those it can reach)."""
        found = dict(self.table)
        for selector in (f"{recipient}.{kind}", recipient, "*"):
            if selector in found:
                usable = RECIPIENTS.get(recipient, ())
                return tuple(c for c in found[selector] if c in usable)
        return ()

    def uses(self, channel: str) -> bool:
        """Whether any route names `channel`."""
        return any(channel in channels for _, channels in self.table)


def parse_routes(text: str, variable: str = "HOTLINE_CHANNELS") -> Routes:
    """`unit=sms,inapp; requester.callback_request=sms; *=log` as Routes; errors name `variable`."""
    table: list[tuple[str, tuple[str, ...]]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        selector, sep, value = part.partition("=")
        selector = selector.strip()
        match = _SELECTOR.match(selector)
        if not sep or not match:
            raise MessagingConfigError(
                f"{variable}: {part!r} is not recipient[.kind]=channel[,channel]"
            )
        recipient = match.group(1)
        if recipient != "*" and recipient not in RECIPIENTS:
            raise MessagingConfigError(
                f"{variable}: unknown recipient {recipient!r}; one of *, {', '.join(RECIPIENTS)}"
            )
        channels = tuple(c.strip() for c in value.split(",") if c.strip())
        for channel in channels:
            if channel not in CHANNELS:
                raise MessagingConfigError(
                    f"{variable}: unknown channel {channel!r} in {part!r}; one of "
                    f"{', '.join(CHANNELS)}"
                )
            if recipient != "*" and channel not in RECIPIENTS[recipient]:
                raise MessagingConfigError(
                    f"{variable}: {recipient} cannot be reached by {channel} "
                    f"(it can by {', '.join(RECIPIENTS[recipient])})"
                )
        table.append((selector, channels))
    return Routes(tuple(table))


@dataclass(frozen=True)
class MessagingSettings:
    """Channels, their endpoints and the dispatcher's retry rules."""

    routes: Routes = field(default_factory=lambda: parse_routes(DEFAULT_ROUTES))
    sms: SmsGateway | None = None
    smtp: Smtp | None = None
    max_attempts: int = 6  # after the last failed try the row is failed and admins alerted
    backoff_seconds: float = 30.0  # first retry after this; doubles per try
    lease_seconds: float = 60.0  # a claimed row returns to the queue after this (crash)
    batch: int = 200  # rows one dispatcher claims per round
    workers: int = 8  # deliveries in flight per dispatcher


LOG_ONLY = MessagingSettings()


def load_messaging(env: Mapping[str, str]) -> MessagingSettings:
    """HOTLINE_CHANNELS, HOTLINE_SMS_*, HOTLINE_SMTP_*, HOTLINE_MESSAGE_*; errors name one."""
    routes = parse_routes(env.get("HOTLINE_CHANNELS") or DEFAULT_ROUTES)
    sms = None
    if env.get("HOTLINE_SMS_URL"):
        secret = env.get("HOTLINE_SMS_SECRET", "")
        if not secret:
            raise MessagingConfigError("HOTLINE_SMS_SECRET must be set with HOTLINE_SMS_URL")
        sms = SmsGateway(
            env["HOTLINE_SMS_URL"], secret, _number(env, "HOTLINE_SMS_TIMEOUT", 5.0, 0.1, 120)
        )
    smtp = None
    if env.get("HOTLINE_SMTP_HOST"):
        smtp = Smtp(
            host=env["HOTLINE_SMTP_HOST"],
            port=int(_number(env, "HOTLINE_SMTP_PORT", 25, 1, 65535)),
            sender=env.get("HOTLINE_SMTP_FROM") or Smtp.sender,
            user=env.get("HOTLINE_SMTP_USER") or None,
            password=env.get("HOTLINE_SMTP_PASSWORD") or None,
            starttls=env.get("HOTLINE_SMTP_STARTTLS", "0") in ("1", "true", "yes"),
        )
    if routes.uses("sms") and sms is None:
        raise MessagingConfigError("HOTLINE_CHANNELS routes sms: set HOTLINE_SMS_URL")
    if routes.uses("email") and smtp is None:
        raise MessagingConfigError("HOTLINE_CHANNELS routes email: set HOTLINE_SMTP_HOST")
    return MessagingSettings(
        routes=routes,
        sms=sms,
        smtp=smtp,
        max_attempts=int(_number(env, "HOTLINE_MESSAGE_ATTEMPTS", 6, 1, 100)),
        backoff_seconds=_number(env, "HOTLINE_MESSAGE_BACKOFF", 30.0, 0, 86_400),
        lease_seconds=_number(env, "HOTLINE_MESSAGE_LEASE", 60.0, 1, 86_400),
    )


def _number(
    env: Mapping[str, str], variable: str, default: float, low: float, high: float
) -> float:
    raw = env.get(variable)
    if raw is None or not raw.strip():
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise MessagingConfigError(f"{variable}={raw!r} must be a number from {low:g} to {high:g}")
    return value
