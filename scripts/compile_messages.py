"""Compile every .po catalogue under src/rectify/locale to .mo with Babel.

Babel is pure Python, so a fresh machine needs no GNU gettext to build the translations.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "rectify" / "locale"


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    print(f"messages: {count} catalogue(s) compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
