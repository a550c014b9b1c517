"""Scrapy settings for nianbao (scrapy.cfg points here). The crawler issue fills in the components.

Off by default, on purpose: Scrapy's Telnet console and its RemoteControl extension (an HTTP
server on loopback that runs code sent to it) have no place on a crawl machine.
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
ROBOTSTXT_OBEY = True
TELNETCONSOLE_ENABLED = False
USER_AGENT = "nianbao/0.1 (+archive of 政府信息公开工作年度报告; contact: see the project README)"
