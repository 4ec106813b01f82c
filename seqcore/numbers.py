"""Numbers in sentences, the same way everywhere a page or the command line says one."""

from __future__ import annotations


def number(value: float) -> str:
    """A value in a sentence: 3 significant digits, whole numbers with separators from 1,000 on (2,001, never 2e+03),
    an exponent only for the very small and the very large."""
    if 1e3 <= abs(value) < 1e9:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value == 0 or 1e-4 <= abs(value) else f"{value:.2e}"
