"""What an operator edits: the portal registry, Scrapy component order, the Datasette config."""
