"""Intake: a zone's own Excel tables read through one mapping engine (see ``engine``), a field
catalogue per table (``catalogue``), value normalisers (``normalize``), and the remembered templates
and unit aliases (``services``, models in ``zoneops.exchange.models``)."""
