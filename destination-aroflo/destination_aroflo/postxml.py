"""AroFlo's `postxml`, written as its POSTXML definitions and examples write it.

A value is always text, never markup. What the definitions mark `<![CDATA[ STRING ]]>` (names, addresses,
note content) goes in a CDATA section, split where it contains `]]>`, which would otherwise end the section;
AroFlo IDs, booleans and note filters go as escaped text, as AroFlo's examples send them. Elements built here
are `Markup` and nest as they are.

>>> element("clientname", "Smith & Sons <Plumbing>")
'<clientname><![CDATA[Smith & Sons <Plumbing>]]></clientname>'
>>> element("content", "a ]]> b")
'<content><![CDATA[a ]]]]><![CDATA[> b]]></content>'
>>> element("orgs", element("org", plain("orgid", "JCdK")))
'<orgs><org><orgid>JCdK</orgid></org></orgs>'
>>> unwritable("tab\\tand\\nnewline"), unwritable("bell\\x07")
('', 'a control character (U+0007)')
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# XML 1.0 cannot carry these characters at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Markup(str):
    """Elements built by `element`: nested as they are, where any other text goes in CDATA."""


def element(name: str, *content: str) -> Markup:
    """`<name>content</name>`: `Markup` children as they are, any other text in one CDATA section."""
    inner = "".join(part if isinstance(part, Markup) else cdata(part) for part in content)
    return Markup(f"<{name}>{inner}</{name}>")


def plain(name: str, text: str) -> Markup:
    """`<name>text</name>` with the text escaped, no CDATA (ids, booleans, filter names)."""
    return Markup(f"<{name}>{escape(text)}</{name}>")


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def unwritable(text: str) -> str:
    """What in `text` XML cannot carry ('' when nothing)."""
    found = _NOT_XML.search(text)
    return f"a control character (U+{ord(found.group()):04X})" if found else ""
