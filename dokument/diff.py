"""A readable comparison of two versions: the header fields side by side and the text body
line by line (difflib)."""

import difflib
from dataclasses import dataclass

from dokument.models import Dokumentversion

HEADER_FIELDS = [
    "titel",
    "faststalld_av",
    "beslutsdatum",
    "paragraf",
    "diarienummer",
    "reviderad_datum",
    "revideringsansvarig",
    "uppfoljningsansvarig",
    "giltighetsomrade",
    "giltig_fran",
    "giltig_till",
    "dokumentansvarig",
    "sekretess",
    "sekretess_paragraf",
    "fil",
]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Line:
    kind: str  # "lika", "borttagen", "tillagd"
    old_number: int | None
    new_number: int | None
    text: str


def _value(version: Dokumentversion, name: str) -> str:
    if name == "giltighetsomrade":
        return ", ".join(sorted(o.namn for o in version.giltighetsomrade.all())) or "–"
    if name == "dokumentansvarig":
        user = version.dokumentansvarig
        return str(user) if user else "–"
    if name == "sekretess":
        return "Ja" if version.sekretess else "Nej"
    if name == "fil":
        return version.fil.name.rsplit("/", 1)[-1] if version.fil else "–"
    value = getattr(version, name)
    if value in (None, ""):
        return "–"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def header_changes(old: Dokumentversion, new: Dokumentversion) -> list[FieldChange]:
    changes = []
    for name in HEADER_FIELDS:
        before, after = _value(old, name), _value(new, name)
        if before != after:
            label = str(Dokumentversion._meta.get_field(name).verbose_name)
            changes.append(FieldChange(label=label[:1].upper() + label[1:], old=before, new=after))
    return changes


def text_diff(old_text: str, new_text: str) -> list[Line]:
    """Line by line; unchanged stretches are kept so the reader sees the context."""
    old_lines = (old_text or "").splitlines()
    new_lines = (new_text or "").splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                lines.append(Line("lika", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]))
            continue
        for k in range(i1, i2):
            lines.append(Line("borttagen", k + 1, None, old_lines[k]))
        for k in range(j1, j2):
            lines.append(Line("tillagd", None, k + 1, new_lines[k]))
    return lines
