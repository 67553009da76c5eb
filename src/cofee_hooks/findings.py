"""The finding: one problem at one place, the type every linter returns and every reporter prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SOURCE_SQUAWK = "squawk"
SOURCE_OWN = "cofee-hooks"
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    """A problem found in a revision file.

    `line` and `column` are 1-based positions in `file` (the Python revision,
    not the rendered SQL). `source` is `squawk` or `cofee-hooks`.
    """

    rule: str
    source: str
    severity: str
    file: str
    line: int
    column: int
    message: str
    help: str
    revision: str | None = None
    end_line: int | None = None
    end_column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def at_least(self, level: str) -> bool:
        """Return whether this finding's severity is `level` or higher (`never` is never reached)."""
        if level == "never":
            return False
        return SEVERITY_ORDER[self.severity] >= SEVERITY_ORDER[level]
