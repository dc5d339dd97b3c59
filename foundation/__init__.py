"""The ground floor: helpers every app may use, importing none of them nor the project.

The portal's public address (site), saving with the author in the history (history),
spreadsheet cells (spreadsheets), JSON arrays built by the database (json_lists),
counters in the cache (counters), the same-origin check of forms on shared pages
(same_origin), the base of the Atom feeds (feeds), how long a page stays true
(freshness), Brussels time (brussels) and the template filters (`{% load pages %}`, the
reason it is an installed app). tests/test_layers.py keeps it below the apps.
"""
