"""What the process was started with, read once at the edge and passed down from there.

The command line (`hostcast.cli.main`) and a daemon's channel process read the
environment here, once; nothing below them looks at `os.environ`. The secrets it holds
never appear in a repr, so a logged options object cannot leak them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

OPERATOR_TOKEN = "HOSTCAST_TOKEN"  # the preview page's operator token
WHIP_TOKEN = "HOSTCAST_WHIP_TOKEN"  # the bearer token of every WHIP ingest


@dataclass(frozen=True)
class Environment:
    operator_token: str | None = field(default=None, repr=False)
    whip_token: str | None = field(default=None, repr=False)
    variables: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        values = dict(os.environ if environ is None else environ)
        return cls(values.get(OPERATOR_TOKEN) or None, values.get(WHIP_TOKEN) or None, values)

    def api_key(self, variable: str) -> str:
        """The model server's key held in `variable`; ValueError when it is unset or empty."""
        key = self.variables.get(variable, "")
        if not key:
            raise ValueError(f"environment variable {variable} (the model server's API key) "
                             "is unset")
        return key
