"""The project's spiders (scrapy.cfg: ``scrapy list`` shows them)."""
