"""Start-up imports only what the command needs: each command's module loads when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

PROBE = """
import contextlib, io, json, sys
from hostcast.cli import main
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
    main({argv!r})
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def loaded(*argv: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=list(argv))], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(("argv", "absent"), [
    (("--help",), {"numpy", "av", "aiohttp", "aiortc", "jinja2", "stream"}),
    (("status", "--help"), {"numpy", "av", "aiohttp", "aiortc"}),
    (("render", "--help"), {"aiohttp", "aiortc", "torch", "transformers"}),
])
def test_a_command_loads_no_library_it_does_not_use(
    argv: tuple[str, ...], absent: set[str]
) -> None:
    assert loaded(*argv) & absent == set()


def test_the_stream_command_does_load_what_airs() -> None:
    assert {"av", "aiortc", "stream"} <= loaded("stream", "--help")
