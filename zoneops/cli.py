"""The `zoneops` console entry point: Django's manage.py with ZoneOps' settings."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "zoneops"
    execute_from_command_line(argv)
