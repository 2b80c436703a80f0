"""A real nginx-rtmp on 127.0.0.1 for tests: start, stop and restart it on one port."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

MODULE_PATHS = (
    Path("/usr/lib/nginx/modules/ngx_rtmp_module.so"),
    Path("/usr/lib64/nginx/modules/ngx_rtmp_module.so"),
    Path("/usr/share/nginx/modules/ngx_rtmp_module.so"),
)

CONFIG = """\
load_module {module};
error_log {root}/error.log info;
pid {root}/nginx.pid;
worker_processes 1;
events {{ worker_connections 64; }}
rtmp {{
    access_log {root}/access.log;  # its default is under /var/log: root only
    server {{
        listen 127.0.0.1:{port};
        application live {{
            live on;
            record all;
            record_path {records};
            record_unique on;
        }}
    }}
}}
"""


def rtmp_module() -> Path | None:
    """Where Debian's libnginx-mod-rtmp put the module, if it is installed."""
    return next((path for path in MODULE_PATHS if path.exists()), None)


def missing() -> str:
    """Why nginx-rtmp cannot run here, or "" when it can."""
    if shutil.which("nginx") is None:
        return "nginx is not installed (apt-get install nginx-light libnginx-mod-rtmp)"
    if rtmp_module() is None:
        return "the nginx RTMP module is not installed (apt-get install libnginx-mod-rtmp)"
    return ""


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def accepts(port: int) -> bool:
    """Whether something accepts TCP connections on the loopback port."""
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class NginxRtmp:
    """nginx in the foreground with one `live` application that records every publish as FLV."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        module = rtmp_module()
        if module is None:
            raise RuntimeError(missing())
        self.root = root
        self.port = port or free_port()
        self.records = root / "records"
        self.records.mkdir(parents=True, exist_ok=True)
        self.config = root / "nginx.conf"
        self.config.write_text(
            CONFIG.format(module=module, root=root, port=self.port, records=self.records)
        )
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, stream: str) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/{stream}"

    def start(self, timeout: float = 10.0) -> None:
        """Start nginx and wait until its port accepts connections."""
        self.process = subprocess.Popen(
            [
                "nginx",
                *("-p", str(self.root), "-c", str(self.config), "-e", str(self.root / "error.log")),
                *("-g", "daemon off; master_process off;"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not accepts(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx-rtmp did not start on {self.port}: {self.log_tail()}")
            time.sleep(0.05)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop nginx at once (SIGTERM: connections drop, recordings close); kill if need be."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGCONT)  # a paused nginx cannot act on SIGTERM
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout)

    def pause(self) -> None:
        """Freeze nginx (SIGSTOP): connections stay open and nothing is read, a stalled server."""
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused nginx run again."""
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    def recordings(self) -> list[Path]:
        """The FLV files nginx recorded, oldest publish first."""
        return sorted(self.records.glob("*.flv"), key=lambda path: path.stat().st_mtime_ns)

    def log_tail(self) -> str:
        log = self.root / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no error log)"
