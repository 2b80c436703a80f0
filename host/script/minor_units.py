"""How many decimals each currency's amounts have, carried here rather than taken from Babel.

Babel's figures follow its CLDR data, which changes between releases (CLDR 47, in babel
2.19, gives the forint none), and a price must sound and show the same whatever is
installed. These are the ISO 4217 minor units; a currency not listed has two.
"""

from __future__ import annotations

_NOT_TWO = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
         "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_digits(currency: str) -> int:
    """Decimals of `currency`'s amounts (ISO 4217): 2 for EUR and HUF, 0 for JPY, 3 for KWD."""
    return _NOT_TWO.get(currency.upper(), 2)
