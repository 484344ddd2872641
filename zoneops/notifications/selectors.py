from zoneops.notifications.models import Notification


def inbox(*, user, unread_only=False):
    rows = Notification.objects.filter(person=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user):
    return Notification.objects.filter(person=user, read_at__isnull=True).count()
