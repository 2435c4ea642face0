"""The lines of a page-1 header block, by what they say (en, zh, and the French of old UN documents).

WHO prints body, session, agenda item, symbol and date above the title; the United Nations
prints a masthead (organ, symbol, "Distr.: General", date, "Original: English"), then body,
session, session dates and agenda item. A line that matches one of these patterns belongs
to the header block wherever a producer put it; the title is what follows.
"""

from __future__ import annotations

import re

DISTRIBUTION = re.compile(r"^(?:(?:Distr\.?\s*:?|Dis\s?cr\.?|分发\s*[:：]?)\s*)?(?:General|Limited|Restricted|GENERALE|"
                          r"GÉNÉRALE|LIMITEE|LIMITÉE|普遍|有限)\.?$|^(?:Distr\.?\s*:?|Dis\s?cr\.?)$", re.IGNORECASE)
ORIGINAL = re.compile(r"^(?:Original\s*:\s*\w+|ORIGINAL\s*:\s*\w+|原文\s*[:：]\s*\S+|FRANÇAIS|ENGLISH|ESPAÑOL)$",
                      re.IGNORECASE)
PURPOSE = re.compile(r"^For (?:decision|information|action|discussion|review)$", re.IGNORECASE)
# "First regular session 2025", "Annual Session 2025", "Eightieth session", "Annual session of 2025",
# "Session de 1980", 第七十七届世界卫生大会, 执行委员会 第154届会议, 第二十五次会议.
SESSION = re.compile(
    r"^(?:(?:executive board|[\w-]+ committee)\s+)?(?:(?:resumed|special|emergency|substantive|organizational)\s+)?"
    r"(?:\d+(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?(?:th|st|nd|rd)|first|second|third|annual|regular)"
    r"(?:\s+(?:regular|special|resumed))?\s+(?:session|meeting)(?:\s+of)?(?:\s+\d{4})?$"
    r"|^Session\s+de\s+\S{4}$"
    r"|^.{0,20}第\s*[\d〇零一二两三四五六七八九十百]+\s*(?:届|次).{0,12}$",
    re.IGNORECASE,
)
# A committee of the body ("Fifth Committee"), printed between session and agenda item.
COMMITTEE = re.compile(r"^(?:First|Second|Third|Fourth|Fifth|Sixth|Main|General|Standing) Committee$")
# "Item 11 of the provisional agenda*", "Items 137 and 138 of the preliminary list*",
# "Agenda item 5", "Provisional agenda item 15.3", 临时议程项目15.3, "Point 4 de l'ordre du jour".
# The number as printed is group 1, 2 or 3. A header line starts with it (``match``); prose may
# mention an agenda item anywhere.
AGENDA = re.compile(
    r"(?:(?:临时议程项目|议程项目|Provisional agenda item|Agenda item)\s*"
    r"((?:[0-9][0-9.]*[0-9]|[0-9])(?:\s*\([a-z]\))?)"
    r"|^Items?\s+([0-9][0-9.]*(?:\s*\([a-z]\))?(?:(?:,\s*|\s+and\s+)[0-9][0-9.]*(?:\s*\([a-z]\))?)*)\s+of\s+the\s+"
    r"(?:provisional|preliminary|revised provisional)\s+(?:agenda|list)"
    r"|^Point\s+([0-9][0-9.]*)\s+de\s+l['’]ordre\s+du\s+jour)",
    re.IGNORECASE | re.MULTILINE,
)
# A session's dates and place: "27 to 31 January 2025, New York", "4–7 February 2025".
SESSION_DATES = re.compile(
    r"^\(?\d{1,2}(?:\s+[A-Z][a-z]+)?\s*(?:–|-|to)\s*\d{1,2}\s+[A-Z][a-z]+\s+\d{4}(?:,\s*[A-Z][\w ]+)?\)?$"
)
# A UN job number ("24-22529 (E)    231224"; Geneva and Vienna: GE.24-12345, V.24-12345) and
# its barcode ("*2422529*") at the foot of a page:
# print-shop marks, not text.
JOB_NUMBER = re.compile(r"^(?:GE\.|V\.|N)?\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})?$|^\*\d{7}\*$")
