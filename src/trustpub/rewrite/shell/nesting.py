"""Where a construct the lexer keeps whole ends: `$(...)`, `${...}` and backticks with the quotes
nested in them, `${{ }}` expressions, single and ANSI-C (`$'...'`) quotes.

The lexer never splits such text into words (a command substitution is only searched), so it asks
for the end alone; an unterminated construct is a ScanError that says which, and on what line.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustpub.rewrite.shell.tokens import ScanError, end_of_line, line_of


def scan_error(text: str, what: str, pos: int) -> ScanError:
    return ScanError(f"{what} on line {line_of(text, pos)} of the script")


@dataclass(frozen=True)
class Skipper:
    """Skips nested constructs in one script, as bash (or PowerShell, `pwsh`) nests them."""

    text: str
    escape: str  # `\` in bash, the backtick in PowerShell
    pwsh: bool

    def group_end(self, i: int, closer: str, opened: int) -> int:
        """The index just past `closer`, skipping whatever is nested before it."""
        while i < len(self.text):
            if self.text[i] == closer:
                return i + 1
            i = self._unit_end(i, in_double_quotes=closer == '"')
        raise scan_error(
            self.text, f"an unterminated {self.text[opened : opened + 2].strip()}", opened
        )

    def _unit_end(self, i: int, in_double_quotes: bool) -> int:
        t = self.text
        c = t[i]
        if t.startswith("${{", i):
            return self.expression_end(i)
        if c == self.escape:
            return i + 2
        if t.startswith(("$(", "${"), i):
            return self.group_end(i + 2, ")" if t[i + 1] == "(" else "}", i)
        if c == "`" and not self.pwsh:
            return self.group_end(i + 1, "`", i)
        if in_double_quotes:
            return i + 1
        if c == "'":
            return self.single_quote_end(i)
        if c in '"(':
            return self.group_end(i + 1, '"' if c == '"' else ")", i)
        if c == "#" and t[i - 1] in " \t\n":
            return end_of_line(t, i)
        return i + 1

    def expression_end(self, i: int) -> int:
        end = self.text.find("}}", i + 3)
        if end == -1:
            raise scan_error(self.text, "an unterminated ${{ expression", i)
        return end + 2

    def single_quote_end(self, i: int) -> int:
        end = self.text.find("'", i + 1)
        if end == -1:
            raise scan_error(self.text, "an unterminated single quote", i)
        return end + 1

    def ansi_c_end(self, i: int) -> int:
        j = i + 1
        while j < len(self.text):
            if self.text[j] == "\\":
                j += 2
            elif self.text[j] == "'":
                return j + 1
            else:
                j += 1
        raise scan_error(self.text, "an unterminated $' quote", i - 1)
