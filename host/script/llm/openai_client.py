"""A client for any OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama...)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import TracebackType
from typing import Any, Protocol

import aiohttp

from host.errors import ConfigError, HostcastError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class LlmError(HostcastError):
    """The chat server failed, or answered something that is not a chat completion."""


class ModelNotReady(LlmError):
    """The model is still loading: not a failure, the templates fill in meanwhile."""


class ChatModel(Protocol):
    """A chat model: messages in, the assistant's text out."""

    @property
    def name(self) -> str: ...

    async def complete(
        self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int
    ) -> str: ...


class OpenAIChat:
    """POSTs to {base_url}/v1/chat/completions; retries 429, 5xx and timeouts with backoff."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.2,
        max_backoff: float = 2.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"LLM server URL must start with http:// or https://: {base_url!r}")
        if not model:
            raise ConfigError("LLM model name must not be empty")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ConfigError("LLM timeout must be positive, retries and backoff not negative")
        root = base_url.rstrip("/")
        self.url = root + ("/chat/completions" if root.endswith("/v1") else "/v1/chat/completions")
        self.model = model
        self._api_key = api_key or ""  # read from the environment by the application
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def name(self) -> str:
        return self.model

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _session_now(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # A session belongs to one event loop; a new loop (a new asyncio.run) needs its own.
            self._session = aiohttp.ClientSession(headers=self._headers())
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> OpenAIChat:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay: float = self.backoff * 2.0**attempt
        if retry_after is not None:
            with contextlib.suppress(ValueError):
                delay = max(delay, float(retry_after))
        return min(delay, self.max_backoff)

    async def _post(self, body: dict[str, Any]) -> tuple[int, Any, str | None]:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self._session_now().post(self.url, json=body, timeout=timeout) as response:
            if response.status != 200:
                return response.status, None, response.headers.get("Retry-After")
            return 200, await response.json(content_type=None), None

    async def complete(
        self, messages: list[dict[str, str]], *, temperature: float = 0.8, max_tokens: int = 300
    ) -> str:
        """The assistant's text for `messages`, or LlmError after bounded retries."""
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        problem = ""
        for attempt in range(self.retries + 1):
            retry_after = None
            try:
                status, data, retry_after = await self._post(body)
            except (TimeoutError, aiohttp.ClientConnectionError) as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ")
            except (aiohttp.ClientError, ValueError) as exc:
                raise LlmError(f"{self.url}: bad response: {exc}") from exc
            else:
                if status == 200:
                    return _content(self.url, data)
                if status not in RETRY_STATUSES:
                    raise LlmError(f"{self.url}: HTTP {status}")
                problem = f"HTTP {status}"
            if attempt < self.retries:
                log.info("%s: %s, retry %d of %d", self.url, problem, attempt + 1, self.retries)
                await asyncio.sleep(self._delay(attempt, retry_after))
        raise LlmError(f"{self.url}: {problem} after {self.retries + 1} attempts")


def _content(url: str, data: Any) -> str:
    """choices[0].message.content of a chat completion, or LlmError."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LlmError(f"{url}: not a chat completion: {str(data)[:120]!r}") from exc
    if not isinstance(content, str):
        raise LlmError(f"{url}: message content is not text: {content!r}")
    return content
