"""The text extracted from an uploaded file (`Dokumentversion.fil_text`) as readable HTML, in one
place: the document page, the version page and the PDF all use it.

The extracted text has lost the file's formatting, so its structure is recovered from the text
alone, and only where the text shows it plainly; when in doubt a piece of text is a plain
paragraph. What the two kinds of extraction give (dokument.files):

- DOCX and ODT: one paragraph a line. Each line is a paragraph.
- PDF: the visual lines of each page. Lines are joined into paragraphs where a line runs on
  (it is nearly as long as the text's full lines, ends in a hyphen, or the next one begins in
  lower case); a short line ends its paragraph. A running header or footer (a short line that
  recurs) between the two halves of a sentence is put after the joined sentence.

In both, a blank line always ends a paragraph; lines that begin with a bullet are list items,
and two or more consecutive lines numbered 1., 2., … (or 1), 2), …) an ordered list. A short
line without closing punctuation or digits, that begins with a capital letter (or with a
section number such as 2.1) and is followed by a paragraph or a list, is a heading; its level
follows the section number's depth. A line that recurs on many pages (a running header or
footer) is never a heading.

Every piece of text is escaped: nothing from the file is ever rendered as HTML.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Characters that begin a bulleted line: typographic bullets, and the Symbol and Wingdings
# bullets that a PDF made from Word carries as private-use characters.
_SYMBOL_BULLETS = "•◦▪▫●○■□‣⁃∙➢►✓\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc"
# Dashes and asterisks are bullets only when a space follows ("- text", not "-5").
_BULLET = re.compile(rf"^(?:[{_SYMBOL_BULLETS}]\s*|[-–—*]\s+)(?=\S)")
_BULLET_ONLY = re.compile(rf"^[{_SYMBOL_BULLETS}\-–—*\s]+$")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
_MARKER_NUMBER = re.compile(r"^\d{1,3}[.)]$")
_SECTION = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[A-ZÅÄÖÉÜ])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_DIGITS = re.compile(r"\d+")
# A hyphen at the end of a line that belongs to a Swedish coordination ("skol- och
# förskoleverksamhet") keeps the space after it.
_CONJUNCTIONS = {"och", "eller", "samt", "respektive", "resp.", "till", "som", "men", "utan"}

# The notes dokument.files adds after the text. The truncation note is shown as a note; the
# list of personnummer found in the file's hidden parts is for the scan at publication, not a
# part of the document's text, so the reading view leaves it out.
_NOTE_TRUNCATED = "[Texten ur filen är längre än"
_NOTE_HIDDEN_NUMBERS = "[Personnummer i filens dolda text"

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
MAX_FURNITURE_CHARS = 60
# Running headers and footers: a line (digits aside) that recurs this often is page furniture.
RECURRING = 3


@dataclass
class _Unit:
    text: str
    bullet: bool = False
    number: int | None = None  # the number of a "1." line
    kind: str = "p"  # p, h, ul, ol
    level: int = 0


def is_wrapped(filename: str) -> bool:
    """Whether a file's extracted text is in visual lines (a PDF) rather than one paragraph a
    line (DOCX, ODT)."""
    return filename.lower().endswith(".pdf")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


def _split_notes(text: str) -> tuple[str, list[str]]:
    """The text without the extraction's closing notes, and the notes to show."""
    blocks = _BLANK_LINES.split(text.strip())
    notes: list[str] = []
    while blocks and blocks[-1].startswith("[") and blocks[-1].rstrip().endswith("]"):
        last = blocks[-1].strip()
        if last.startswith(_NOTE_TRUNCATED):
            notes.insert(0, last[1:-1])
        elif not last.startswith(_NOTE_HIDDEN_NUMBERS):
            break
        blocks.pop()
    return "\n\n".join(blocks), notes


def _full_width(lines: list[str]) -> int:
    """The length of a full line of the text: most lines of running text are full."""
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return 0
    return max(lengths[int(len(lengths) * 0.8)], 30)


def _is_marker(line: str) -> bool:
    """A bullet or a number alone, without the text of an item."""
    return bool(_BULLET_ONLY.match(line) or _MARKER_NUMBER.match(line))


def _starts_item(line: str) -> bool:
    if _BULLET.match(line):
        return True
    match = _NUMBERED.match(line)
    return bool(match and line[match.end()].isupper())


def _runs_on(line: str, following: str, width: int) -> bool:
    """Whether a visual line of a PDF continues on the next line."""
    if _starts_item(following) or _SECTION.match(following) or _is_marker(following):
        return False
    if _is_marker(line):
        return True  # a list marker alone on its line: the item's text follows
    if _broken_word(line) or following[0].islower():
        return True
    if line[-1] in ".!?:;":
        # A sentence may end at the end of a full line in the middle of a paragraph.
        return line[-1] != ":" and len(line) >= 0.85 * width
    return len(line) >= 0.6 * width


def _broken_word(line: str) -> bool:
    """The line ends in a hyphen right after a letter or digit."""
    return line.endswith("-") and len(line) > 1 and line[-2].isalnum()


def _join(line: str, following: str) -> str:
    if _broken_word(line) and following.split(" ", 1)[0].lower() not in _CONJUNCTIONS:
        return line + following  # a word broken at the line end keeps its hyphen
    return f"{line} {following}"


def _paragraphs(text: str, wrapped: bool) -> list[str]:
    out: list[str] = []
    blocks = [
        [" ".join(line.split()) for line in block.split("\n")] for block in _BLANK_LINES.split(text)
    ]
    if not wrapped:
        return [line for block in blocks for line in block if line]
    all_lines = [line for block in blocks for line in block if line]
    width = _full_width(all_lines)
    # Running headers and footers: short lines, not ending a sentence, on more than one page.
    counts = Counter(
        _furniture_key(line)
        for line in all_lines
        if len(line) <= MAX_FURNITURE_CHARS and line[-1] not in ".,;:!?"
    )
    furniture = {key for key, count in counts.items() if count >= 2}
    for block in blocks:
        lines = [line for line in block if line]
        current, moved = "", []
        i = 0
        while i < len(lines):
            line = lines[i]
            current = _join(current, line) if current else line
            following = i + 1
            # A page's running footer and header between two halves of a sentence (the next
            # line goes on in lower case): the sentence is joined and they follow it.
            j = following
            while j < len(lines) and j - following < 4 and _furniture_key(lines[j]) in furniture:
                j += 1
            if j > following and j < len(lines) and lines[j][0].islower():
                interrupting, following = lines[i + 1 : j], j
            else:
                interrupting = []
            if following < len(lines) and _runs_on(line, lines[following], width):
                moved += interrupting
                i = following
                continue
            out.append(current)
            out.extend(moved)
            current, moved = "", []
            i += 1
    return out


def _units(paragraphs: list[str]) -> list[_Unit]:
    units = []
    for text in paragraphs:
        bullet = _BULLET.match(text)
        if bullet:
            rest = text[bullet.end() :].strip()
            if rest and not _BULLET_ONLY.match(rest):
                units.append(_Unit(rest, bullet=True))
            continue  # a bullet with no text: the marker of an item that has none
        if _is_marker(text):
            continue
        numbered = _NUMBERED.match(text)
        units.append(_Unit(text, number=int(numbered[1]) if numbered else None))
    # Numbered lines are a list only when two or more follow each other in order.
    i = 0
    while i < len(units):
        j = i
        while (
            units[j].number is not None
            and j + 1 < len(units)
            and units[j + 1].number == units[j].number + 1
        ):
            j += 1
        if j > i:
            for unit in units[i : j + 1]:
                unit.kind = "ol"
                unit.text = unit.text[_NUMBERED.match(unit.text).end() :]
        i = j + 1
    for unit in units:
        if unit.bullet:
            unit.kind = "ul"
    return units


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", text.lower()) if len(text) <= MAX_HEADING_CHARS else ""


def _heading_candidate(unit: _Unit, recurring: set[str]) -> bool:
    text = unit.text
    if unit.kind != "p" or len(text) > MAX_HEADING_CHARS:
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text[-1] in ".,;:!…-–—":
        return False
    section = _SECTION.match(text)
    words = text[section.end() :] if section else text
    if not words[:1].isupper() or any(char.isdigit() for char in words):
        return False
    return _furniture_key(text) not in recurring


def _section_depth(text: str) -> int:
    section = _SECTION.match(text)
    return len(section[1].split(".")) if section else 0


def _mark_headings(units: list[_Unit], top: int) -> None:
    counts = Counter(_furniture_key(u.text) for u in units if len(u.text) <= MAX_HEADING_CHARS)
    recurring = {key for key, count in counts.items() if count >= RECURRING}
    candidates = [_heading_candidate(u, recurring) for u in units]
    previous = top - 1
    for i, unit in enumerate(units):
        if not candidates[i] or i + 1 == len(units):
            continue
        # One of several short lines in a row (an unmarked list, a table) is not a heading.
        # The first line is left out of this: it is most often the file's title.
        if i > 1 and candidates[i - 1] and units[i - 1].kind != "h":
            continue
        depth = _section_depth(unit.text)
        follows = units[i + 1]
        # A heading introduces running text (a paragraph that ends a sentence) or a list; a
        # numbered one may introduce a deeper numbered heading (2 Ansvar, 2.1 Nämnderna).
        introduces = (
            follows.kind in ("ul", "ol")
            or (follows.kind == "p" and follows.text.rstrip('"”»)')[-1:] in (".", "!", "?", ":"))
            or (depth and candidates[i + 1] and _section_depth(follows.text) > depth)
        )
        if not introduces:
            continue
        unit.kind = "h"
        unit.level = min(top + max(depth, 1) - 1, previous + 1, 6)
        previous = unit.level


def _html(units: list[_Unit]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(units):
        unit = units[i]
        if unit.kind in ("ul", "ol"):
            j = i
            while j < len(units) and units[j].kind == unit.kind:
                j += 1
            start = f' start="{unit.number}"' if unit.kind == "ol" and unit.number != 1 else ""
            items = "".join(f"<li>{escape(u.text)}</li>" for u in units[i:j])
            out.append(f"<{unit.kind}{start}>{items}</{unit.kind}>")
            i = j
            continue
        if unit.kind == "h":
            out.append(f"<h{unit.level}>{escape(unit.text)}</h{unit.level}>")
        else:
            out.append(f"<p>{escape(unit.text)}</p>")
        i += 1
    return out


def render_file_text(text: str, *, filename: str, top_level: int = 3) -> SafeString:
    """The extracted text of a file as HTML: headings (from `top_level` down), paragraphs and
    lists, every piece of text escaped. Empty when the file gave no text."""
    body, notes = _split_notes(_clean(text or ""))
    units = _units(_paragraphs(body, is_wrapped(filename)))
    _mark_headings(units, top_level)
    parts = _html(units)
    parts += [f'<p class="muted">{escape(note)}</p>' for note in notes]
    # Only escaped text and the tags written above.
    return mark_safe("\n".join(parts))  # noqa: S308


def version_file_text(version) -> SafeString:
    """A version's file text for its page: empty when the version has a text of its own (that
    is its content) or the file gave no text."""
    if version is None or version.text.strip() or not version.fil_text.strip():
        return mark_safe("")
    return render_file_text(version.fil_text, filename=version.fil.name)
