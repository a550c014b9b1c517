"""Pure functions from saved bytes (+ url, headers) to a :class:`parsers.record.Report`.

No Scrapy, no Twisted, no network, no SQLite here: ``nianbao clean`` imports only this package,
so cleaning a page starts fast. The entry point is :func:`parsers.clean.clean`.
"""
