"""Scrapy glue: spiders, middlewares, the archive pipeline, and the ``nianbao`` CLI (crawler/cli.py)."""
