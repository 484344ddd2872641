from django.contrib.auth.backends import ModelBackend

from zoneops.org.models import Person


class PersonBackend(ModelBackend):
    """Django's password check, loading the person's unit with them (the scope needs it on every request)."""

    def get_user(self, user_id):
        person = Person.objects.select_related("unit").filter(pk=user_id).first()
        return person if person and self.user_can_authenticate(person) else None
