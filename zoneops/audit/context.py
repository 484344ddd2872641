"""Who is acting: passed explicitly into every service (never kept in a thread-local)."""

from dataclasses import dataclass

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the address the outermost appended.

    The leftmost X-Forwarded-For entry is whatever the client chose to send, so it is never used.
    """
    proxies = settings.ZONEOPS_TRUSTED_PROXIES
    if proxies > 0 and (forwarded := request.META.get(settings.ZONEOPS_CLIENT_IP_HEADER, "")):
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-proxies if len(hops) >= proxies else 0][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


@dataclass(frozen=True)
class Actor:
    """The person behind a write and the address it came from.

    ``person is None`` means the operator at the command line (``zoneops ...``), who is trusted
    like the machine itself and is recorded in the audit log as 系统.
    """

    person: object | None
    ip: str = ""
    label: str = ""  # who an anonymous actor claimed to be, e.g. the username of a failed sign-in

    @classmethod
    def from_request(cls, request):
        user = request.user if request.user.is_authenticated else None
        return cls(person=user, ip=client_ip(request))

    @classmethod
    def system(cls):
        return cls(person=None, ip="")

    @property
    def is_system(self):
        return self.person is None

    def __str__(self):
        if self.person is not None:
            return f"{self.person}（{self.person.username}）"
        return self.label or "系统"
