"""How ``generate()`` fills the sandbox's account, one module per family of zones.

- ``plan.py``: which zones are built, in which order, how many records, and when (one ``Step`` per zone);
- ``builder.py``: the generator's state (seeded RNG, ids, records so far) and the helpers all builders share;
- ``shapes.py``: small record shapes several zones share (user and org references, addresses, ...);
- ``vocabulary.py``: the word lists (names, places, businesses, jobs, products, notes);
- one module per family, each with a ``new_<record>(b, t)`` per zone that builds one record created at
  ``t`` (naive UTC) exactly as AroFlo returns it: ``reference.py`` (the small set-up lists), ``people.py``
  (users, clients, suppliers, locations, contacts, client notes), ``projects.py``, ``inventory.py``,
  ``tasks.py`` (tasks and their lines), ``quotes.py``, ``invoices.py`` (invoices and payments),
  ``purchasing.py`` (purchase orders, work orders, bills), ``operations.py`` (assets, timesheets,
  schedules) and ``documents.py`` (documents and photos, message board, templates).

A builder only references records created before its record (the plan's order and ``Builder.pick`` see to
it) and attaches a child's joined shape to its parent's ``joins`` itself (``shapes.attach``), so the same
code serves the bulk generation and ``Dataset.create``.

What AroFlo accepts in a request (WHERE fields, joins, default filters) is not here but in ``zones.py``.
"""
