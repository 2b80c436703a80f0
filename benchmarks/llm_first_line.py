"""Time from `hostcast stream` starting to its first line on air, with a model that is down.

Runs the real command three times on the demo catalog, recording to a temp folder:
the template writer, an OpenAI-compatible writer whose port refuses connections, and one
whose server accepts and never answers. Prints when the first line aired and who wrote it,
and when the first product line aired. Both model runs must open as fast as the templates.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOSTCAST = [str(Path(sys.executable).parent / "hostcast")]
DURATION = 20.0
DEADLINE = 2.0


def silent_server() -> tuple[socket.socket, int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def run(name: str, writer: list[str]) -> None:
    with tempfile.TemporaryDirectory() as out:
        argv = [
            *HOSTCAST,
            "stream",
            "--catalog",
            str(REPO / "demo" / "catalog.en.json"),
            "--no-preview",
            "--record",
            out,
            "--duration",
            str(DURATION),
            *writer,
        ]
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert proc.stdout is not None
        first: tuple[float, str] | None = None
        product: tuple[float, str] | None = None
        for line in proc.stdout:
            if not line[:2].isdigit():
                continue
            seen = time.perf_counter() - start
            if first is None:
                first = (seen, line.strip())
            if "[" in line and product is None:
                product = (seen, line.strip())
        proc.wait()
    assert first is not None and product is not None, f"{name}: nothing aired"
    print(f"{name}:")
    print(f"  first line on air {first[0]:.2f} s after start: {first[1][:90]}")
    print(f"  first product line {product[0]:.2f} s after start: {product[1][:90]}")


def main() -> None:
    print(f"hostcast stream, demo catalog, --llm-deadline {DEADLINE:g}, {DURATION:g} s each")
    run("template writer", [])
    model = ["--model", "any", "--llm-deadline", str(DEADLINE)]
    run("model unreachable", ["--writer", f"openai:http://127.0.0.1:{closed_port()}", *model])
    listener, port = silent_server()
    try:
        run("model never answers", ["--writer", f"openai:http://127.0.0.1:{port}", *model])
    finally:
        listener.close()


if __name__ == "__main__":
    main()
