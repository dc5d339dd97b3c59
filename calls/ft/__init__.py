"""The EU Funding & Tenders Portal (F&T): reading its search API and keeping the portal's
EU-level calls in step with it.

- `records`: one search-API result to the values of a topic, with every quirk of the
  format (arrays of strings, JSON inside strings, dates whose `+0000` means nothing).
- `source`: the results, page by page, from a file or from the API (with retries).
- `sync`: an import run, each record written in its own transaction through
  `calls.services.call_import`.
- `html`: the allow-list the topics' HTML descriptions are sanitised through.
"""
