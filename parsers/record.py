"""The one record passed between stages: :class:`Report`, and the crawler's :class:`Fetch`.

Field names are PRODUCT.md's, letter for letter; :meth:`Report.to_dict` is the single serialiser
behind ``nianbao clean``'s JSON, the ``reports`` columns and every export.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Report:
    """A cleaned annual report (年报 = 政府信息公开工作年度报告) and what the cleaner noticed."""

    # what the report says
    title: str | None = None
    text: str = ""
    year: int | None = None
    published: str | None = None  # YYYY-MM-DD
    agency: str | None = None
    # where it comes from
    region_code: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    source: str | None = None  # the 来源 line's value
    site_code: str | None = None  # 网站标识码
    url: str | None = None
    # the audit trail: every removal with its reason, and what was noticed
    spam_removed: list[dict[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    stats: list[dict[str, object]] = field(default_factory=list)
    # extension (PRODUCT.md allows extending): chrome and other non-spam removals, so that every
    # word the cleaner took out can be audited
    chrome_removed: list[dict[str, str]] = field(default_factory=list)
    # extension: how the bytes were read (encoding or attachment kind)
    encoding: str | None = None

    def flag(self, name: str) -> None:
        """Add a flag once, keeping first-noticed order."""
        if name not in self.flags:
            self.flags.append(name)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


@dataclass(slots=True)
class Fetch:
    """One HTTP response as the crawler saw it; the raw material every Report is made from."""

    portal_id: str | None
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    final_url: str | None = None
