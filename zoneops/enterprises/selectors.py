"""Scoped reads of the enterprise registry, and the one rule for showing a contact's phone."""

from django.db.models import Prefetch

from zoneops.enterprises.models import Contact, Enterprise


def enterprise_queryset(*, user, action="enterprise.view"):
    return Enterprise.objects.restrict(user, action).select_related("region", "industry", "unit")


def enterprise_get(*, user, pk, action="enterprise.view"):
    """One enterprise in scope, or Enterprise.DoesNotExist (a 404) when it is out of scope."""
    return enterprise_queryset(user=user, action=action).prefetch_related(
        "former_names", Prefetch("contacts", queryset=Contact.objects.order_by("pk"))).get(pk=pk)


def mask_phone(phone):
    """139****5678: the first three and last four digits of a long number, **** for a short one."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****"


def phone_visible_ids(*, user, enterprises):
    """The ids of ``enterprises`` whose contact phones ``user`` may read: those that the user's
    enterprise.contact grants reach (one query for a page of rows)."""
    ids = [enterprise.pk for enterprise in enterprises]
    if not ids:
        return set()
    return set(Enterprise.objects.restrict(user, "enterprise.contact").filter(pk__in=ids)
               .values_list("pk", flat=True))


def with_contacts(*, user, enterprises):
    """Attach ``shown_contacts`` to each enterprise: its contacts, each with ``shown_phone`` already
    masked where the user lacks enterprise.contact. Pages, the API and exports all read these."""
    enterprises = list(enterprises)
    visible = phone_visible_ids(user=user, enterprises=enterprises)
    for enterprise in enterprises:
        contacts = list(enterprise.contacts.all())
        for contact in contacts:
            contact.shown_phone = contact.phone if enterprise.pk in visible else mask_phone(contact.phone)
        enterprise.shown_contacts = contacts
        enterprise.phone_visible = enterprise.pk in visible
    return enterprises
